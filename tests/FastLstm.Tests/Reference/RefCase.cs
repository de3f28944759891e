namespace FastLstm.Tests.Reference;

/// <summary>A complete, deterministic input for the reference: parameters, inputs and upstream gradients.</summary>
/// <param name="Config">The network.</param>
/// <param name="SeqLen">T.</param>
/// <param name="Batch">B.</param>
/// <param name="Parameters">Every parameter of <see cref="RefConfig.ParameterShapes"/> by name.</param>
/// <param name="X">(T, B, I) input, time-major; padded steps hold ordinary values too.</param>
/// <param name="Lengths">(B) per-sequence lengths, or null for all T.</param>
/// <param name="H0">(L*D, B, Hout) initial h.</param>
/// <param name="C0">(L*D, B, H) initial c (LSTM), else null.</param>
/// <param name="DY">(T, B, D*Hout) upstream gradient of Y; non-zero at padded steps too.</param>
/// <param name="DHN">(L*D, B, Hout) upstream gradient of HN.</param>
/// <param name="DCN">(L*D, B, H) upstream gradient of CN (LSTM), else null.</param>
public sealed record RefCase(RefConfig Config, int SeqLen, int Batch, Dictionary<string, double[]> Parameters,
    double[] X, int[]? Lengths, double[] H0, double[]? C0, double[] DY, double[] DHN, double[]? DCN);
