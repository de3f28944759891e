using FastLstm.Onnx.Protos;
using Google.Protobuf;
using Xunit;
using DataType = FastLstm.Onnx.Protos.TensorProto.Types.DataType;

namespace FastLstm.Onnx.Tests;

/// <summary>What the importer does not run is rejected at load, with a message naming it: never a silent wrong answer.</summary>
public sealed class UnsupportedTests
{
    [Theory]
    [InlineData("LSTM", "clip", "'clip'")]
    [InlineData("LSTM", "input_forget", "'input_forget'")]
    [InlineData("LSTM", "activations", "'activations'")]
    [InlineData("LSTM", "activation_alpha", "'activation_alpha'")]
    [InlineData("GRU", "activations", "'activations'")]
    [InlineData("RNN", "activations", "'activations'")]
    [InlineData("LSTM", "linear_before_reset", "'linear_before_reset'")]
    [InlineData("GRU", "input_forget", "'input_forget'")]
    [InlineData("LSTM", "direction", "'direction'")]
    [InlineData("LSTM", "layout", "'layout'")]
    [InlineData("LSTM", "hidden_size", "'hidden_size'")]
    [InlineData("LSTM", "mystery", "'mystery'")]
    public void Load_UnsupportedRecurrentAttribute_NamesIt(string opType, string attribute, string fragment)
    {
        object value = attribute switch
        {
            "clip" => 3f,
            "input_forget" => 1L,
            "activations" => opType == "RNN" ? new[] { "Sigmoid" } : opType == "GRU" ? new[] { "Sigmoid", "Relu" } : new[] { "Sigmoid", "Tanh", "Relu" },
            "activation_alpha" => new[] { 0.5f },
            "direction" => "sideways",
            "layout" => 2L,
            "hidden_size" => 5L,
            _ => 1L,
        };

        var error = Assert.Throws<ModelFormatException>(() => OnnxModel.Load(RecurrentModel(opType, (attribute, value))));

        Assert.Contains(fragment, error.Message);
        Assert.Contains(opType + " node", error.Message);
    }

    [Fact]
    public void Load_DefaultActivationsSpelledOut_AreAccepted()
    {
        OnnxModel model = OnnxModel.Load(RecurrentModel("LSTM", ("activations", new[] { "sigmoid", "tanh", "tanh" })));
        Assert.Single(model.RecurrentNodes);
    }

    [Theory]
    [InlineData("Conv")]
    [InlineData("Scan")]
    [InlineData("LSTMCell")]
    [InlineData("")]
    public void Load_UnsupportedOperator_NamesIt(string opType)
    {
        var g = new GraphBuilder();
        g.Input("x", DataType.Float, 2, 3);
        g.Node(opType, ["x"], ["y"]);
        g.Output("y", DataType.Float);

        var error = Assert.Throws<ModelFormatException>(() => OnnxModel.Load(Bytes(g)));

        Assert.Contains($"'{opType}'", error.Message);
        Assert.Contains("not supported", error.Message);
    }

    [Fact]
    public void Load_OperatorOfAnotherDomain_NamesOperatorAndDomain()
    {
        var g = new GraphBuilder();
        g.Input("x", DataType.Float, 2, 3);
        g.Node("Relu", ["x"], ["y"]).Domain = "com.microsoft";
        g.Output("y", DataType.Float);

        var error = Assert.Throws<ModelFormatException>(() => OnnxModel.Load(Bytes(g)));

        Assert.Contains("'com.microsoft'", error.Message);
    }

    [Theory]
    [InlineData("Gemm", "broadcast")]
    [InlineData("Transpose", "axis")]
    [InlineData("Relu", "alpha")]
    public void Load_UnknownAttributeOfAPlainOperator_NamesIt(string opType, string attribute)
    {
        var g = new GraphBuilder();
        g.Input("x", DataType.Float, 2, 2);
        g.Node(opType, opType == "Gemm" ? ["x", "x"] : ["x"], ["y"], (attribute, 1L));
        g.Output("y", DataType.Float);

        var error = Assert.Throws<ModelFormatException>(() => OnnxModel.Load(Bytes(g)));

        Assert.Contains($"'{attribute}'", error.Message);
    }

    [Fact]
    public void Load_ExternalData_IsRejectedByName()
    {
        var g = new GraphBuilder();
        var tensor = new TensorProto { Name = "w", DataType = (int)DataType.Float, DataLocation = TensorProto.Types.DataLocation.External };
        tensor.Dims.Add(4);
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
        g.Graph.Initializer.Add(tensor);
        g.Node("Identity", ["w"], ["y"]);
        g.Output("y", DataType.Float);

        var error = Assert.Throws<ModelFormatException>(() => OnnxModel.Load(Bytes(g)));

        Assert.Contains("'w'", error.Message);
        Assert.Contains("external", error.Message);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(99)]
    public void Load_OpsetOutOfRange_NamesIt(int opset)
    {
        var g = new GraphBuilder();
        g.Input("x", DataType.Float, 2);
        g.Node("Identity", ["x"], ["y"]);
        g.Output("y", DataType.Float);

        var error = Assert.Throws<ModelFormatException>(() => OnnxModel.Load(GraphBuilder.Model(g.Graph, opset, "test", "1").ToByteArray()));

        Assert.Contains($"opset {opset}", error.Message);
    }

    [Fact]
    public void Load_NodesOutOfOrder_SaysSo()
    {
        var g = new GraphBuilder();
        g.Input("x", DataType.Float, 2);
        g.Node("Relu", ["t"], ["y"]);
        g.Node("Tanh", ["x"], ["t"]);
        g.Output("y", DataType.Float);

        var error = Assert.Throws<ModelFormatException>(() => OnnxModel.Load(Bytes(g)));

        Assert.Contains("'t'", error.Message);
        Assert.Contains("topological", error.Message);
    }

    [Fact]
    public void Load_RecurrentWeightsComputedAtRunTime_AreRejected()
    {
        var g = new GraphBuilder();
        g.Input("x", DataType.Float, 2, 1, 3);
        g.Input("w", DataType.Float, 1, 4, 3);
        g.Node("RNN", ["x", "w", g.Initializer("r", new float[16], 1, 4, 4)], ["y"], ("hidden_size", 4L));
        g.Output("y", DataType.Float);

        var error = Assert.Throws<ModelFormatException>(() => OnnxModel.Load(Bytes(g)));

        Assert.Contains("input W must be a constant", error.Message);
    }

    [Fact]
    public void Load_NotProtobuf_GetsModelFormatException()
    {
        Assert.Throws<ModelFormatException>(() => OnnxModel.Load("this is not a model"u8));
    }

    /// <summary>A one-node model: X (5, 2, 3), H = 4, one direction, plus the given attribute.</summary>
    private static byte[] RecurrentModel(string opType, params (string, object)[] extra)
    {
        int gates = opType switch { "LSTM" => 4, "GRU" => 3, _ => 1 };
        var g = new GraphBuilder();
        g.Input("X", DataType.Float, 5, 2, 3);
        var attributes = new List<(string, object)>(extra);
        if (!attributes.Exists(a => a.Item1 == "hidden_size"))
        {
            attributes.Add(("hidden_size", 4L));
        }

        g.Node(
            opType,
            ["X", g.Initializer("W", new float[gates * 4 * 3], 1, gates * 4, 3), g.Initializer("R", new float[gates * 4 * 4], 1, gates * 4, 4)],
            ["Y"],
            [.. attributes]);
        g.Output("Y", DataType.Float);
        return Bytes(g);
    }

    private static byte[] Bytes(GraphBuilder g) => GraphBuilder.Model(g.Graph, 17, "test", "1").ToByteArray();
}
