namespace FastLstm.Tests.Reference;

/// <summary>Outputs of <see cref="ReferenceRnn.Forward"/>, row-major, float64.</summary>
/// <param name="Y">(T, B, D*Hout) top layer's output; direction d in features d*Hout … (d+1)*Hout-1; 0 at t &gt;= L_b.</param>
/// <param name="HN">(L*D, B, Hout) final h of each layer and direction, index l*D + d.</param>
/// <param name="CN">(L*D, B, H) final c (LSTM), else null.</param>
public sealed record RefForwardResult(double[] Y, double[] HN, double[]? CN);
