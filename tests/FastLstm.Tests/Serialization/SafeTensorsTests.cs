using System.Text;
using FastLstm.Tests.Layers;
using Xunit;

namespace FastLstm.Tests.Serialization;

/// <summary>safetensors in and out of FastLstm models under PyTorch's state_dict names.</summary>
public sealed class SafeTensorsTests
{
    // A small nn.LSTM(input_size=2, hidden_size=1) state_dict, as safetensors.torch.save_file lays it out: keys sorted
    // by name (all F32), compact JSON, padded with spaces to a multiple of 8, data in header order.
    private const string LstmHeader =
        "{\"bias_hh_l0\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}," +
        "\"bias_ih_l0\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[16,32]}," +
        "\"weight_hh_l0\":{\"dtype\":\"F32\",\"shape\":[4,1],\"data_offsets\":[32,48]}," +
        "\"weight_ih_l0\":{\"dtype\":\"F32\",\"shape\":[4,2],\"data_offsets\":[48,80]}}";

    private static readonly float[] BiasHh = [0.5f, -0.25f, 1.5f, -2f];
    private static readonly float[] BiasIh = [0.125f, 0.75f, -1.25f, 3f];
    private static readonly float[] WeightHh = [-0.5f, 0.625f, 2.5f, -0.875f];
    private static readonly float[] WeightIh = [1f, -1f, 0.25f, -0.375f, 1.75f, -3.5f, 0.0625f, 2f];

    private static RecurrentLayer TinyLstm() => new(new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 2, HiddenSize = 1 }, seed: 3);

    [Fact]
    public void Write_TinyLstm_MatchesTheReferenceWritersBytesExactly()
    {
        RecurrentLayer layer = TinyLstm();
        layer.Parameters["weight_ih_l0"].CopyFrom(WeightIh);
        layer.Parameters["weight_hh_l0"].CopyFrom(WeightHh);
        layer.Parameters["bias_ih_l0"].CopyFrom(BiasIh);
        layer.Parameters["bias_hh_l0"].CopyFrom(BiasHh);
        byte[] expected = HandMadeSafeTensors.File(
            LstmHeader, HandMadeSafeTensors.Concat(
                HandMadeSafeTensors.F32(BiasHh), HandMadeSafeTensors.F32(BiasIh), HandMadeSafeTensors.F32(WeightHh), HandMadeSafeTensors.F32(WeightIh)));

        using var stream = new MemoryStream();
        SafeTensorsFile.Write(stream, SafeTensors.ToTensors(Modules.Of(("", layer.Parameters))));

        Assert.Equal(expected, stream.ToArray());
    }

    [Fact]
    public void Write_ReferenceTestVector_MatchesByteForByte()
    {
        // safetensors/src/tensor.rs, test_serialization: "attn.0", F32, shape [1, 2, 3], values 0..5.
        byte[] expected =
        [
            64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
            116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
            58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
            101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63,
            0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
        ];
        using var stream = new MemoryStream();

        SafeTensorsFile.Write(stream, [new SafeTensor("attn.0", [1, 2, 3], [0f, 1f, 2f, 3f, 4f, 5f])]);

        Assert.Equal(expected, stream.ToArray());
        SafeTensor read = SafeTensorsFile.Parse(expected)["attn.0"];
        Assert.Equal([0f, 1f, 2f, 3f, 4f, 5f], read.ToSingles());
    }

    [Fact]
    public void Write_EmptyWithMetadata_MatchesTheReferenceTestVector()
    {
        // safetensors/src/tensor.rs, test_empty: no tensors, metadata {"framework": "pt"}.
        byte[] expected = HandMadeSafeTensors.File("{\"__metadata__\":{\"framework\":\"pt\"}}", []);
        Assert.Equal(48, expected.Length);
        using var stream = new MemoryStream();

        SafeTensorsFile.Write(stream, [], new Dictionary<string, string> { ["framework"] = "pt" });

        Assert.Equal(expected, stream.ToArray());
        Assert.Equal("pt", SafeTensorsFile.Parse(expected).Metadata["framework"]);
    }

    [Fact]
    public void LoadInto_FileLaidOutLikePyTorch_SetsEveryParameter()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "lstm.safetensors");
        File.WriteAllBytes(path, HandMadeSafeTensors.File(
            LstmHeader, HandMadeSafeTensors.Concat(
                HandMadeSafeTensors.F32(BiasHh), HandMadeSafeTensors.F32(BiasIh), HandMadeSafeTensors.F32(WeightHh), HandMadeSafeTensors.F32(WeightIh))));
        RecurrentLayer layer = TinyLstm();
        long version = layer.Parameters.Version;

        SafeTensors.LoadInto(path, layer.Parameters);

        Assert.Equal(WeightIh, layer.Parameters["weight_ih_l0"].Values.ToArray());
        Assert.Equal(WeightHh, layer.Parameters["weight_hh_l0"].Values.ToArray());
        Assert.Equal(BiasIh, layer.Parameters["bias_ih_l0"].Values.ToArray());
        Assert.Equal(BiasHh, layer.Parameters["bias_hh_l0"].Values.ToArray());
        Assert.True(layer.Parameters.Version > version, "Loading must announce the change so packed weights are rebuilt.");
    }

    [Theory]
    [InlineData(CellKind.Lstm, true, 2, false)]
    [InlineData(CellKind.Lstm, false, 1, true)]
    [InlineData(CellKind.Gru, true, 2, false)]
    [InlineData(CellKind.RnnTanh, false, 3, false)]
    public void SaveThenLoad_ModelWithHead_RoundTripsBitForBitAndComputesTheSame(CellKind cell, bool bidirectional, int layers, bool peephole)
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "model.safetensors");
        RecurrentLayer source = TestData.Layer(cell, input: 3, hidden: 5, layers: layers, bidirectional: bidirectional, peephole: peephole);
        var head = new Dense(source.Options.OutputSize, 2, seed: 5);
        KeyValuePair<string, ParameterList>[] sourceModules = Modules.Of(("rnn.", source.Parameters), ("head.", head.Parameters));

        SafeTensors.Save(path, sourceModules, new Dictionary<string, string> { ["format"] = "pt" });
        var target = new RecurrentLayer(source.Options, seed: 99);
        var targetHead = new Dense(source.Options.OutputSize, 2, seed: 98);
        SafeTensors.LoadInto(path, Modules.Of(("rnn.", target.Parameters), ("head.", targetHead.Parameters)));

        Assert.Equal(source.Parameters.Values.ToArray(), target.Parameters.Values.ToArray());
        Assert.Equal(head.Parameters.Values.ToArray(), targetHead.Parameters.Values.ToArray());
        SafeTensorsFile file = SafeTensorsFile.Read(path);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Contains(file.Tensors, t => t.Name == "rnn.weight_hh_l0");
        Assert.Contains(file.Tensors, t => t.Name == "head.bias");
        Assert.All(file.Tensors, t => Assert.Equal(SafeTensorsDType.F32, t.DType));

        float[] x = TestData.Uniform(4 * 2 * 3, seed: 7);
        RecurrentWorkspace a = source.CreateWorkspace();
        RecurrentWorkspace b = target.CreateWorkspace();
        source.Forward(a, x, 4, 2);
        target.Forward(b, x, 4, 2);
        Assert.Equal(a.Output.ToArray(), b.Output.ToArray());
    }

    [Fact]
    public void LoadInto_Prefix_ReadsOnlyThatModulesTensors()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "two.safetensors");
        RecurrentLayer rnn = TestData.Layer(CellKind.Gru, input: 3, hidden: 4);
        var head = new Dense(4, 2, seed: 1);
        SafeTensors.Save(path, Modules.Of(("rnn.", rnn.Parameters), ("head.", head.Parameters)));
        var loaded = new Dense(4, 2, seed: 77);

        SafeTensors.LoadInto(path, loaded.Parameters, prefix: "head.");

        Assert.Equal(head.Parameters.Values.ToArray(), loaded.Parameters.Values.ToArray());
    }

    [Fact]
    public void LoadInto_F16Tensors_ConvertExactly()
    {
        float[] values = [0.5f, -1.25f, 3f, 0.125f, -0.0625f, 2.75f];
        byte[] file = HandMadeSafeTensors.File(
            "{\"weight\":{\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[0,12]}}", HandMadeSafeTensors.F16(values));
        var dense = new Dense(3, 2, bias: false);

        SafeTensors.LoadInto(SafeTensorsFile.Parse(file), dense.Parameters);

        Assert.Equal(values, dense.Parameters["weight"].Values.ToArray());
    }

    [Fact]
    public void LoadInto_BF16Tensors_ConvertExactly()
    {
        float[] values = [0.5f, -1.25f, 3f, 0.125f, -96f, 1.0078125f];
        byte[] file = HandMadeSafeTensors.File(
            "{\"weight\":{\"dtype\":\"BF16\",\"shape\":[2,3],\"data_offsets\":[0,12]}}", HandMadeSafeTensors.BF16(values));
        var dense = new Dense(3, 2, bias: false);

        SafeTensors.LoadInto(SafeTensorsFile.Parse(file), dense.Parameters);

        Assert.Equal(values, dense.Parameters["weight"].Values.ToArray());
    }

    [Fact]
    public void LoadInto_ShapeMismatch_NamesTheTensorAndBothShapes()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "h7.safetensors");
        SafeTensors.Save(path, TestData.Layer(CellKind.Lstm, input: 5, hidden: 7).Parameters, "rnn.");
        RecurrentLayer other = TestData.Layer(CellKind.Lstm, input: 5, hidden: 8);
        float[] before = other.Parameters.Values.ToArray();

        var error = Assert.Throws<ModelFormatException>(() => SafeTensors.LoadInto(path, other.Parameters, "rnn."));

        Assert.Contains("'rnn.weight_ih_l0'", error.Message);
        Assert.Contains("[28, 5]", error.Message);
        Assert.Contains("[32, 5]", error.Message);
        Assert.Equal(before, other.Parameters.Values.ToArray());
    }

    [Fact]
    public void LoadInto_IntegerDType_NamesTheTensorAndDType()
    {
        byte[] file = HandMadeSafeTensors.File(
            "{\"bias\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]},\"weight\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[16,24]}}",
            new byte[24]);
        var dense = new Dense(1, 2);

        var error = Assert.Throws<ModelFormatException>(() => SafeTensors.LoadInto(SafeTensorsFile.Parse(file), dense.Parameters));

        Assert.Contains("'bias'", error.Message);
        Assert.Contains("I64", error.Message);
    }

    [Fact]
    public void LoadInto_MissingTensor_NamesItAndWhatTheFileHolds()
    {
        byte[] file = HandMadeSafeTensors.File("{\"weight\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[0,8]}}", new byte[8]);
        var dense = new Dense(1, 2);

        var error = Assert.Throws<ModelFormatException>(() => SafeTensors.LoadInto(SafeTensorsFile.Parse(file), dense.Parameters));

        Assert.Contains("'bias'", error.Message);
        Assert.Contains("weight", error.Message);
    }

    [Fact]
    public void LoadInto_UnexpectedTensor_FailsWhenStrictAndIsIgnoredOtherwise()
    {
        byte[] file = HandMadeSafeTensors.File(
            "{\"bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}," +
            "\"extra\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}," +
            "\"weight\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[8,12]}}",
            HandMadeSafeTensors.F32(1f, 2f, 3f));
        var dense = new Dense(1, 1);

        var error = Assert.Throws<ModelFormatException>(() => SafeTensors.LoadInto(SafeTensorsFile.Parse(file), dense.Parameters));
        SafeTensors.LoadInto(SafeTensorsFile.Parse(file), dense.Parameters, strict: false);

        Assert.Contains("'extra'", error.Message);
        Assert.Equal([3f, 1f], dense.Parameters.Values.ToArray());
    }

    [Fact]
    public void Parse_UnpaddedHeaderAndUnknownFields_AreAccepted()
    {
        byte[] file = HandMadeSafeTensors.File(
            "{\"w\":{\"shape\":[2],\"future\":{\"a\":[1,2]},\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", HandMadeSafeTensors.F32(1f, 2f), pad: false);

        SafeTensorsFile parsed = SafeTensorsFile.Parse(file);

        Assert.Equal([1f, 2f], parsed["w"].ToSingles());
    }

    [Fact]
    public void Parse_ZeroSizedAndScalarTensors_AreAccepted()
    {
        byte[] file = HandMadeSafeTensors.File(
            "{\"empty\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[0,0]},\"scalar\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}",
            HandMadeSafeTensors.F32(7f));

        SafeTensorsFile parsed = SafeTensorsFile.Parse(file);

        Assert.Equal(0, parsed["empty"].ElementCount);
        Assert.Equal([7f], parsed["scalar"].ToSingles());
    }

    [Fact]
    public void Write_DuplicateNames_NamesTheTensor()
    {
        using var stream = new MemoryStream();
        var error = Assert.Throws<ArgumentException>(() =>
            SafeTensorsFile.Write(stream, [new SafeTensor("a", [1], [1f]), new SafeTensor("a", [1], [2f])]));
        Assert.Contains("'a'", error.Message);
    }

    [Fact]
    public void Header_IsPaddedSoDataIsEightByteAligned()
    {
        using var stream = new MemoryStream();
        SafeTensorsFile.Write(stream, [new SafeTensor("odd", [3], [1f, 2f, 3f])]);
        byte[] bytes = stream.ToArray();

        ulong headerLength = BitConverter.ToUInt64(bytes, 0);

        Assert.Equal(0UL, headerLength % 8);
        Assert.EndsWith("}", Encoding.UTF8.GetString(bytes, 8, (int)headerLength).TrimEnd(' '));
    }
}
