using FastLstm.Serialization;
using FastLstm.Training;

namespace FastLstm.Cli.Tests.Commands;

/// <summary>export to ONNX and safetensors, import back, and the errors of both.</summary>
public sealed class ExportImportTests
{
    [Theory]
    [InlineData("lstm", CellKind.Lstm, 2, true, 0, false, "every")]
    [InlineData("lstm", CellKind.Lstm, 1, false, 3, false, "last")]
    [InlineData("lstm", CellKind.Lstm, 1, false, 0, true, "last")]
    [InlineData("gru", CellKind.Gru, 2, false, 0, false, "last")]
    [InlineData("rnn-relu", CellKind.RnnRelu, 1, true, 0, false, "every")]
    public void SafeTensors_RoundTrip_IsBitExact(string cellName, CellKind cell, int layers, bool bidirectional, int projection, bool peephole, string head)
    {
        using var temp = new TempDirectory();
        var options = new RecurrentOptions { Cell = cell, InputSize = 3, HiddenSize = 5, NumLayers = layers, Bidirectional = bidirectional, ProjectionSize = projection, Peephole = peephole };
        RecurrentModel original = Save(temp.File("a.fastlstm"), options, head == "every" ? HeadMode.EveryStep : HeadMode.LastStep);

        Cli.Run("export", temp.File("a.fastlstm"), "--format", "safetensors", "--out", temp.File("a.safetensors")).AssertSuccess();
        Cli.Run("import", temp.File("a.safetensors"), "--cell", cellName, "--head", head, "--out", temp.File("b.fastlstm")).AssertSuccess();

        ModelFile imported = ModelFile.Load(temp.File("b.fastlstm"));
        AssertSameModel(original, imported.Model);
        Assert.Equal("imported", imported.Metadata["task"]);
        Assert.Equal(temp.File("a.safetensors"), imported.Metadata["source"]);
    }

    [Fact]
    public void SafeTensors_WithoutPrefix_AndWithEmbedding_Import()
    {
        using var temp = new TempDirectory();
        var options = new RecurrentOptions { Cell = CellKind.Gru, InputSize = 4, HiddenSize = 6 };
        var plain = new RecurrentModel(options, 2, HeadMode.LastStep, seed: 5);
        SafeTensors.Save(temp.File("plain.safetensors"), [new("", plain.Recurrent.Parameters), new("head.", plain.Head.Parameters)]);
        Cli.Run("import", temp.File("plain.safetensors"), "--cell", "gru", "--out", temp.File("plain.fastlstm")).AssertSuccess();
        AssertSameModel(plain, ModelFile.Load(temp.File("plain.fastlstm")).Model);

        var embedded = new RecurrentModel(options, 7, HeadMode.EveryStep, vocabularySize: 7, seed: 6);
        ModelFile.Save(temp.File("lm.fastlstm"), new ModelFile { Model = embedded });
        Cli.Run("export", temp.File("lm.fastlstm"), "--format", "safetensors", "--out", temp.File("lm.safetensors")).AssertSuccess();
        Cli.Run("import", temp.File("lm.safetensors"), "--cell", "gru", "--head", "every", "--out", temp.File("lm2.fastlstm")).AssertSuccess();
        AssertSameModel(embedded, ModelFile.Load(temp.File("lm2.fastlstm")).Model);
    }

    [Theory]
    [InlineData(CellKind.Lstm, false, false)]
    [InlineData(CellKind.Lstm, true, true)]
    [InlineData(CellKind.Gru, true, false)]
    [InlineData(CellKind.RnnTanh, false, false)]
    public void Onnx_RoundTrip_IsBitExact_AndInspectable(CellKind cell, bool bidirectional, bool peephole)
    {
        using var temp = new TempDirectory();
        var options = new RecurrentOptions { Cell = cell, InputSize = 3, HiddenSize = 4, Bidirectional = bidirectional, Peephole = peephole };
        RecurrentModel original = Save(temp.File("a.fastlstm"), options, HeadMode.LastStep);

        Cli.Run("export", temp.File("a.fastlstm"), "--format", "onnx", "--out", temp.File("a.onnx")).AssertSuccess();
        Assert.True(new FileInfo(temp.File("a.onnx")).Length > 100);
        Cli.Run("import", temp.File("a.onnx"), "--out", temp.File("b.fastlstm")).AssertSuccess();

        AssertSameModel(original, ModelFile.Load(temp.File("b.fastlstm")).Model);
        Cli.Result inspect = Cli.Run("inspect", temp.File("b.fastlstm"));
        inspect.AssertSuccess();
        Assert.Contains("imported", inspect.Out);
        Assert.Contains("head.weight", inspect.Out);
    }

    [Fact]
    public void Onnx_OfAProjection_IsRefusedInOneLine()
    {
        using var temp = new TempDirectory();
        Save(temp.File("p.fastlstm"), new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 2, HiddenSize = 4, ProjectionSize = 2 }, HeadMode.LastStep);
        Cli.Run("export", temp.File("p.fastlstm"), "--format", "onnx", "--out", temp.File("p.onnx")).AssertOneLineError(2, "cannot be exported to ONNX");
        Assert.False(File.Exists(temp.File("p.onnx")));
    }

    [Fact]
    public void Onnx_OfSeveralLayers_OrAnEveryStepHead_IsRefusedSayingWhatTheGraphHolds()
    {
        using var temp = new TempDirectory();
        Save(temp.File("deep.fastlstm"), new RecurrentOptions { Cell = CellKind.Gru, InputSize = 2, HiddenSize = 3, NumLayers = 2 }, HeadMode.LastStep);
        Cli.Run("export", temp.File("deep.fastlstm"), "--format", "onnx", "--out", temp.File("deep.onnx")).AssertSuccess();
        Cli.Run("import", temp.File("deep.onnx"), "--out", temp.File("x.fastlstm")).AssertOneLineError(3, "2 recurrent node(s)");

        Save(temp.File("every.fastlstm"), new RecurrentOptions { Cell = CellKind.Gru, InputSize = 2, HiddenSize = 3 }, HeadMode.EveryStep);
        Cli.Run("export", temp.File("every.fastlstm"), "--format", "onnx", "--out", temp.File("every.onnx")).AssertSuccess();
        Cli.Run("import", temp.File("every.onnx"), "--out", temp.File("y.fastlstm")).AssertOneLineError(3, "only a Gemm head");
        Assert.False(File.Exists(temp.File("x.fastlstm")));
    }

    [Fact]
    public void BadInputs_ExitWithTheirCodesAndOneLine()
    {
        using var temp = new TempDirectory();
        Save(temp.File("a.fastlstm"), new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 2, HiddenSize = 3 }, HeadMode.LastStep);
        Cli.Run("export", temp.File("a.fastlstm"), "--format", "safetensors", "--out", temp.File("a.safetensors")).AssertSuccess();

        Cli.Run("import", temp.File("a.safetensors"), "--out", temp.File("b.fastlstm")).AssertOneLineError(2, "--cell");
        Cli.Run("import", temp.File("a.safetensors"), "--cell", "gru", "--out", temp.File("b.fastlstm")).AssertOneLineError(3, "weight_hh_l0");
        Cli.Run("import", temp.File("a.safetensors"), "--cell", "transformer", "--out", temp.File("b.fastlstm")).AssertOneLineError(2, "transformer");
        Cli.Run("export", temp.File("a.fastlstm"), "--format", "pickle", "--out", temp.File("a.pt")).AssertOneLineError(2, "pickle");
        Cli.Run("export", temp.File("a.fastlstm"), "--format", "onnx").AssertOneLineError(2, "--out");
        Cli.Run("export", temp.File("missing.fastlstm"), "--format", "onnx", "--out", temp.File("m.onnx")).AssertOneLineError(3, "missing.fastlstm");
        Cli.Run("import", temp.File("missing.onnx"), "--out", temp.File("b.fastlstm")).AssertOneLineError(3, "missing.onnx");
        Cli.Run("import", temp.Write("weights.pt", "x"), "--out", temp.File("b.fastlstm")).AssertOneLineError(2, ".pt");

        Cli.Run("import", temp.Write("bad.safetensors", "not a safetensors file"), "--cell", "lstm", "--out", temp.File("b.fastlstm")).AssertOneLineError(3, "");
        Cli.Run("import", temp.Write("bad.onnx", "not an onnx file"), "--out", temp.File("b.fastlstm")).AssertOneLineError(3, "");
        Cli.Run("export", temp.Write("bad.fastlstm", "not a model"), "--format", "onnx", "--out", temp.File("c.onnx")).AssertOneLineError(3, "");
        Assert.False(File.Exists(temp.File("b.fastlstm")));

        var headless = new RecurrentModel(new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 2, HiddenSize = 3 }, 1, HeadMode.LastStep);
        SafeTensors.Save(temp.File("headless.safetensors"), headless.Recurrent.Parameters, "rnn.");
        Cli.Run("import", temp.File("headless.safetensors"), "--cell", "lstm", "--out", temp.File("b.fastlstm")).AssertOneLineError(3, "head.weight");
    }

    private static RecurrentModel Save(string path, RecurrentOptions options, HeadMode head)
    {
        var model = new RecurrentModel(options, 2, head, seed: 11);
        ModelFile.Save(path, new ModelFile { Model = model, Metadata = new Dictionary<string, string> { ["task"] = "test" } });
        return model;
    }

    private static void AssertSameModel(RecurrentModel expected, RecurrentModel actual)
    {
        Assert.Equal(expected.Recurrent.Options with { Dropout = 0 }, actual.Recurrent.Options with { Dropout = 0 });
        Assert.Equal(expected.HeadMode, actual.HeadMode);
        Assert.Equal(expected.OutputSize, actual.OutputSize);
        Assert.Equal(expected.Embedding is null, actual.Embedding is null);
        Assert.Equal(expected.ParameterCount, actual.ParameterCount);
        var a = new float[expected.ParameterCount];
        var b = new float[actual.ParameterCount];
        expected.CopyValuesTo(a);
        actual.CopyValuesTo(b);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(a[i]) == BitConverter.SingleToInt32Bits(b[i]), $"parameter value {i}: {a[i]} vs {b[i]}");
        }
    }
}
