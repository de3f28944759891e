using FastLstm.Tests.Reference;
using Xunit;

namespace FastLstm.Tests.Layers;

/// <summary>
/// The float32 engine against the float64 reference (itself proven by finite differences and by the PyTorch
/// fixtures) on every configuration: each cell, stacked, bidirectional, projection, peephole, both GRU forms,
/// variable lengths with 0 and T, no bias, and shapes that are not multiples of any SIMD width.
/// </summary>
public sealed class RecurrentLayerReferenceTests
{
    // A float32 engine against float64 values: the fixture README's tolerances for a float32 engine.
    private const double OutputAbsolute = 1e-5;
    private const double OutputRelative = 1e-5;
    private const double GradientAbsolute = 1e-4;
    private const double GradientRelative = 1e-4;
    private const int Seed = 31337;

    public static TheoryData<string> Names => new(Cases.Keys);

    private static readonly Dictionary<string, (RefConfig Config, int T, int B, bool VariableLengths)> Cases = new()
    {
        ["RnnTanh"] = (new RefConfig(RefCell.RnnTanh, 3, 5), 6, 3, false),
        ["RnnRelu"] = (new RefConfig(RefCell.RnnRelu, 3, 5), 6, 3, false),
        ["Lstm"] = (new RefConfig(RefCell.Lstm, 3, 5), 6, 3, false),
        ["Gru"] = (new RefConfig(RefCell.Gru, 3, 5), 6, 3, false),
        ["GruOriginal"] = (new RefConfig(RefCell.Gru, 3, 5, GruLinearBeforeReset: false), 6, 3, false),
        ["LstmProjection"] = (new RefConfig(RefCell.Lstm, 3, 7, ProjSize: 3), 6, 3, false),
        ["LstmPeephole"] = (new RefConfig(RefCell.Lstm, 3, 5, Peephole: true), 6, 3, false),
        ["LstmNoBias"] = (new RefConfig(RefCell.Lstm, 3, 5, Bias: false), 6, 3, false),
        ["GruNoBias"] = (new RefConfig(RefCell.Gru, 3, 5, Bias: false, GruLinearBeforeReset: false), 6, 3, false),
        ["RnnStackedBidirectional"] = (new RefConfig(RefCell.RnnTanh, 4, 6, NumLayers: 3, Bidirectional: true), 5, 2, false),
        ["LstmStackedBidirectional"] = (new RefConfig(RefCell.Lstm, 4, 6, NumLayers: 2, Bidirectional: true), 5, 2, false),
        ["GruStackedBidirectional"] = (new RefConfig(RefCell.Gru, 4, 6, NumLayers: 2, Bidirectional: true), 5, 2, false),
        ["GruOriginalStackedBidirectional"] = (new RefConfig(RefCell.Gru, 4, 6, NumLayers: 2, Bidirectional: true, GruLinearBeforeReset: false), 5, 2, false),
        ["LstmProjectionStackedBidirectional"] = (new RefConfig(RefCell.Lstm, 4, 9, NumLayers: 2, Bidirectional: true, ProjSize: 4), 5, 2, false),
        ["LstmPeepholeStackedBidirectional"] = (new RefConfig(RefCell.Lstm, 4, 6, NumLayers: 2, Bidirectional: true, Peephole: true), 5, 2, false),
        ["LstmLengths"] = (new RefConfig(RefCell.Lstm, 3, 5), 7, 5, true),
        ["GruLengthsBidirectional"] = (new RefConfig(RefCell.Gru, 3, 5, Bidirectional: true), 7, 5, true),
        ["RnnReluLengthsStacked"] = (new RefConfig(RefCell.RnnRelu, 3, 5, NumLayers: 2), 7, 5, true),
        ["LstmEverythingLengths"] = (new RefConfig(RefCell.Lstm, 5, 11, NumLayers: 2, Bidirectional: true, ProjSize: 3), 9, 6, true),
        ["LstmPeepholeLengthsBidirectional"] = (new RefConfig(RefCell.Lstm, 3, 5, NumLayers: 2, Bidirectional: true, Peephole: true), 7, 5, true),
        ["WideSimdTails"] = (new RefConfig(RefCell.Lstm, 17, 33, NumLayers: 2, Bidirectional: true), 4, 3, false),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void ForwardAndBackward_MatchFloat64Reference(string name)
    {
        (RefConfig config, int steps, int batch, bool variableLengths) = Cases[name];
        RefCase data = RoundToFloat(RefRandomCase.Create(config, steps, batch, Seed, variableLengths, allowZeroLength: true));
        var reference = new ReferenceRnn(config, data.Parameters);
        RefForwardResult expected = reference.Forward(data.X, steps, batch, data.Lengths, data.H0, data.C0);
        RefGradients expectedGradients = reference.Backward(data.X, steps, batch, data.Lengths, data.H0, data.C0, data.DY, data.DHN, data.DCN);

        RecurrentLayer layer = EngineAdapter.Build(config, data.Parameters);
        RecurrentWorkspace workspace = layer.CreateWorkspace();
        layer.Forward(
            workspace, EngineAdapter.ToFloat(data.X), steps, batch, data.Lengths ?? [],
            EngineAdapter.ToFloat(data.H0), EngineAdapter.ToFloatOrEmpty(data.C0));
        AssertClose("y", expected.Y, workspace.Output, OutputAbsolute, OutputRelative);
        AssertClose("h_n", expected.HN, workspace.FinalHidden, OutputAbsolute, OutputRelative);
        if (expected.CN is not null)
        {
            AssertClose("c_n", expected.CN, workspace.FinalCell, OutputAbsolute, OutputRelative);
        }

        layer.Parameters.ZeroGradients();
        layer.Backward(workspace, EngineAdapter.ToFloat(data.DY), EngineAdapter.ToFloat(data.DHN), EngineAdapter.ToFloatOrEmpty(data.DCN));
        AssertClose("dx", expectedGradients.DX, workspace.InputGradient, GradientAbsolute, GradientRelative);
        AssertClose("dh0", expectedGradients.DH0, workspace.InitialHiddenGradient, GradientAbsolute, GradientRelative);
        if (expectedGradients.DC0 is not null)
        {
            AssertClose("dc0", expectedGradients.DC0, workspace.InitialCellGradient, GradientAbsolute, GradientRelative);
        }

        foreach (KeyValuePair<string, double[]> pair in expectedGradients.DParams)
        {
            AssertClose(pair.Key, pair.Value, layer.Parameters[pair.Key].Gradients, GradientAbsolute, GradientRelative);
        }
    }

    /// <summary>Rounds every value to float32, so the reference runs on exactly the numbers the engine sees.</summary>
    internal static RefCase RoundToFloat(RefCase data)
    {
        static double[] Round(double[] values) => Array.ConvertAll(values, v => (double)(float)v);
        var parameters = new Dictionary<string, double[]>();
        foreach (KeyValuePair<string, double[]> pair in data.Parameters)
        {
            parameters[pair.Key] = Round(pair.Value);
        }

        return data with
        {
            Parameters = parameters,
            X = Round(data.X),
            H0 = Round(data.H0),
            C0 = data.C0 is null ? null : Round(data.C0),
            DY = Round(data.DY),
            DHN = Round(data.DHN),
            DCN = data.DCN is null ? null : Round(data.DCN),
        };
    }

    internal static void AssertClose(string what, double[] expected, ReadOnlySpan<float> actual, double absolute, double relative)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            Assert.True(error <= absolute + (relative * Math.Abs(expected[i])), $"{what}[{i}] = {actual[i]:R}, expected {expected[i]:R} (|error| {error:E2})");
        }
    }
}
