using System.Text.Json.Nodes;
using FastLstm.Tests.Parity;
using Xunit;

namespace FastLstm.Tests.Reference;

/// <summary>
/// The reference against every PyTorch golden case in <see cref="FixtureCase.DefaultFolder"/>: this is what makes
/// it an oracle. The files' outputs and gradients are libtorch float64 results on the same float32 values, so only
/// summation order separates them from the reference.
/// </summary>
public sealed class ReferenceFixtureTests
{
    // Float64 on O(1) values over a handful of steps: a different summation order moves results by a few ulps
    // (~1e-16); these bounds leave four orders of magnitude for that and none for a wrong formula.
    private const double OutputTolerance = 1e-12;
    private const double GradientTolerance = 1e-10;

    // The cases shared/fixtures/README.md lists; the folder may hold more, and every *.json is tested.
    private static readonly string[] DocumentedCases =
    [
        "lstm_1layer", "lstm_bidirectional", "lstm_proj_1layer", "gru_1layer", "rnn_tanh_1layer",
        "lstm_lengths_1layer", "lstm_peephole_1layer", "gru_lbr0_1layer",
    ];

    public static TheoryData<string> FixtureFiles => new(FixtureCase.FindAll().Select(Path.GetFileName)!);

    public static TheoryData<string> FixtureFilesWithCellGradient =>
        new(FixtureCase.FindAll().Where(f => FixtureCase.Load(f).GradsWithCn is not null).Select(Path.GetFileName)!);

    [Fact]
    public void Fixtures_FolderHoldsEveryDocumentedCase()
    {
        var names = FixtureCase.FindAll().Select(f => FixtureCase.Load(f).Name).ToHashSet();
        Assert.All(DocumentedCases, name => Assert.Contains(name, names));
    }

    [Theory]
    [MemberData(nameof(FixtureFiles))]
    public void ParameterShapes_MatchFixtureParamNamesAndShapes(string file)
    {
        FixtureCase fixture = Load(file);
        IReadOnlyList<(string Name, int[] Shape)> shapes = fixture.Config.ParameterShapes();
        Assert.Equal(fixture.ParamNames, shapes.Select(s => s.Name));
        foreach ((string name, int[] shape) in shapes)
        {
            Assert.Equal(fixture.Parameters[name].Shape, shape);
        }
    }

    [Theory]
    [MemberData(nameof(FixtureFiles))]
    public void Forward_ReproducesPyTorchOutputs(string file)
    {
        FixtureCase fixture = Load(file);
        RefForwardResult result = CreateReference(fixture).Forward(
            fixture.TimeMajorX, fixture.SeqLen, fixture.Batch, fixture.Lengths, fixture.H0.Data, fixture.C0?.Data);

        AssertClose(fixture, "y", fixture.TimeMajorY, result.Y, OutputTolerance);
        AssertClose(fixture, "h_n", fixture.HN.Data, result.HN, OutputTolerance);
        Assert.Equal(fixture.CN is null, result.CN is null);
        if (fixture.CN is not null)
        {
            AssertClose(fixture, "c_n", fixture.CN.Data, result.CN!, OutputTolerance);
        }

        // The stored losses tie G, Gh and Gc to the outputs: a loader that misread them would show here.
        double loss = Dot(result.Y, fixture.TimeMajorG) + Dot(result.HN, fixture.LossGh.Data);
        Assert.True(Math.Abs(loss - fixture.LossValue) <= OutputTolerance,
            $"{fixture.Name}: loss {loss:R}, stored {fixture.LossValue:R}");
        if (fixture.Gc is not null)
        {
            double lossWithCn = loss + Dot(result.CN!, fixture.Gc.Data);
            Assert.True(Math.Abs(lossWithCn - fixture.LossWithCnValue!.Value) <= OutputTolerance,
                $"{fixture.Name}: loss_with_cn {lossWithCn:R}, stored {fixture.LossWithCnValue:R}");
        }
    }

    [Theory]
    [MemberData(nameof(FixtureFiles))]
    public void Backward_ReproducesPyTorchGradients(string file)
    {
        FixtureCase fixture = Load(file);
        RefGradients gradients = CreateReference(fixture).Backward(
            fixture.TimeMajorX, fixture.SeqLen, fixture.Batch, fixture.Lengths, fixture.H0.Data, fixture.C0?.Data,
            fixture.TimeMajorG, fixture.LossGh.Data);

        AssertGradients(fixture, "grads", fixture.Grads, fixture.TimeMajorGradX, gradients);
    }

    [Theory]
    [MemberData(nameof(FixtureFilesWithCellGradient))]
    public void Backward_WithCellStateGradient_ReproducesPyTorchGradients(string file)
    {
        FixtureCase fixture = Load(file);
        RefGradients gradients = CreateReference(fixture).Backward(
            fixture.TimeMajorX, fixture.SeqLen, fixture.Batch, fixture.Lengths, fixture.H0.Data, fixture.C0?.Data,
            fixture.TimeMajorG, fixture.LossGh.Data, fixture.Gc!.Data);

        AssertGradients(fixture, "grads_with_cn", fixture.GradsWithCn!, fixture.TimeMajorGradWithCnX!, gradients);
    }

    [Fact]
    public void Load_BatchFirstFile_GivesTimeMajorViews()
    {
        FixtureCase original = Load("lstm_lengths_1layer.json");
        int t = original.SeqLen;
        int b = original.Batch;
        JsonNode root = ReadNode("lstm_lengths_1layer.json");
        root["config"]!["batch_first"] = true;
        foreach (string path in new[] { "inputs.x", "outputs.y", "loss.G", "grads.x", "grads_with_cn.x" })
        {
            JsonNode tensor = path.Split('.').Aggregate(root, (node, key) => node[key]!);
            var shape = tensor["shape"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray();
            var data = tensor["data"]!.AsArray().Select(n => n!.GetValue<double>()).ToArray();
            double[] batchFirst = FixtureCase.SwapLeadingAxes(data, t, b, shape[2]);
            tensor["shape"] = new JsonArray(b, t, shape[2]);
            tensor["data"] = new JsonArray(batchFirst.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
        }

        FixtureCase fixture = LoadModified(root, "batch_first.json");

        Assert.True(fixture.BatchFirst);
        Assert.Equal([b, t, original.Config.InputSize], fixture.X.Shape);
        Assert.NotEqual(original.X.Data, fixture.X.Data);
        Assert.Equal(original.X.Data, fixture.TimeMajorX);
        Assert.Equal(original.Y.Data, fixture.TimeMajorY);
        Assert.Equal(original.LossG.Data, fixture.TimeMajorG);
        Assert.Equal(original.Grads.X.Data, fixture.TimeMajorGradX);
        Assert.Equal(original.GradsWithCn!.X.Data, fixture.TimeMajorGradWithCnX);
        Assert.Equal(original.H0.Data, fixture.H0.Data);
    }

    [Theory]
    [InlineData("mode", "\"LSTM_PEEPHOLE\"")]
    [InlineData("format", "\"peers-rnn-fixture/2\"")]
    [InlineData("config.dropout", "0.5")]
    [InlineData("config.hidden_size", "5.5")]
    [InlineData("config.proj_size", "9")]
    [InlineData("inputs.x", "null")]
    [InlineData("outputs.c_n", "{\"shape\": [1, 3, 5], \"data\": [1]}")]
    [InlineData("inputs.lengths", "null")]
    [InlineData("param_names", "[\"weight_hh_l0\", \"weight_ih_l0\", \"bias_ih_l0\", \"bias_hh_l0\"]")]
    public void Load_MissingOrUnsupportedField_ThrowsNamingFileAndField(string field, string replacement)
    {
        JsonNode root = ReadNode("lstm_lengths_1layer.json");
        string[] keys = field.Split('.');
        JsonNode parent = keys[..^1].Aggregate(root, (node, key) => node[key]!);
        parent[keys[^1]] = JsonNode.Parse(replacement);

        InvalidDataException exception = Assert.Throws<InvalidDataException>(() => LoadModified(root, "broken.json"));

        Assert.Contains("broken.json", exception.Message);
        Assert.Contains(field, exception.Message);
    }

    private static FixtureCase Load(string file) => FixtureCase.Load(Path.Combine(FixtureCase.DefaultFolder, file));

    private static JsonNode ReadNode(string file) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(FixtureCase.DefaultFolder, file)))!;

    private static FixtureCase LoadModified(JsonNode root, string fileName)
    {
        string folder = Path.Combine(Path.GetTempPath(), "fastlstm-fixture-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            string path = Path.Combine(folder, fileName);
            File.WriteAllText(path, root.ToJsonString());
            return FixtureCase.Load(path);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static ReferenceRnn CreateReference(FixtureCase fixture) => new(fixture.Config, fixture.ParameterValues());

    private static void AssertGradients(FixtureCase fixture, string field, FixtureGrads expected, double[] expectedX, RefGradients actual)
    {
        AssertClose(fixture, field + ".x", expectedX, actual.DX, GradientTolerance);
        AssertClose(fixture, field + ".h0", expected.H0.Data, actual.DH0, GradientTolerance);
        Assert.Equal(expected.C0 is null, actual.DC0 is null);
        if (expected.C0 is not null)
        {
            AssertClose(fixture, field + ".c0", expected.C0.Data, actual.DC0!, GradientTolerance);
        }

        Assert.Equal(expected.Params.Keys.Order(StringComparer.Ordinal), actual.DParams.Keys.Order(StringComparer.Ordinal));
        foreach (KeyValuePair<string, FixtureTensor> parameter in expected.Params)
        {
            AssertClose(fixture, $"{field}.params.{parameter.Key}", parameter.Value.Data, actual.DParams[parameter.Key], GradientTolerance);
        }
    }

    private static void AssertClose(FixtureCase fixture, string what, double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        int worst = -1;
        double worstError = 0;
        for (int k = 0; k < expected.Length; k++)
        {
            double error = Math.Abs(expected[k] - actual[k]);
            if (!(error <= worstError))
            {
                worst = k;
                worstError = error;
            }
        }

        Assert.True(worstError <= tolerance,
            $"{fixture.Name}: {what}[{worst}] = {actual[Math.Max(worst, 0)]:R}, PyTorch {expected[Math.Max(worst, 0)]:R} (|diff| {worstError:E2} > {tolerance:E0})");
    }

    private static double Dot(double[] a, double[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double sum = 0;
        for (int k = 0; k < a.Length; k++)
        {
            sum += a[k] * b[k];
        }

        return sum;
    }
}
