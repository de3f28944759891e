namespace FastLstm.Tests.Reference;

/// <summary>
/// Gradients of <c>L = sum(Y*dy) + sum(HN*dhN) + sum(CN*dcN)</c> from <see cref="ReferenceRnn.Backward"/>.
/// </summary>
/// <param name="DX">(T, B, I) dL/dx; exactly 0 at padded steps t &gt;= L_b.</param>
/// <param name="DH0">(L*D, B, Hout) dL/dh0.</param>
/// <param name="DC0">(L*D, B, H) dL/dc0 (LSTM), else null.</param>
/// <param name="DParams">dL/d(parameter) by PyTorch name, each shaped like its parameter.</param>
public sealed record RefGradients(double[] DX, double[] DH0, double[]? DC0, IReadOnlyDictionary<string, double[]> DParams);
