using FastLstm.Onnx.Protos;
using Google.Protobuf;
using Xunit;
using DataType = FastLstm.Onnx.Protos.TensorProto.Types.DataType;

namespace FastLstm.Onnx.Tests;

/// <summary>Imported models give what ONNX Runtime gives on the same inputs, and carry the weights they were made from.</summary>
public sealed class ImportTests
{
    private const int Steps = 5;
    private const int Batch = 3;

    public static TheoryData<string, CellKind, int, bool, bool, bool, bool, PyTorchHead> PyTorchExports => new()
    {
        // name, cell, layers, bidirectional, batch first, folded constants, states as inputs, head
        { "LSTM", CellKind.Lstm, 1, false, false, false, true, PyTorchHead.None },
        { "LSTM batch-first last-output head", CellKind.Lstm, 1, false, true, true, false, PyTorchHead.LastOutput },
        { "LSTM bidirectional 2 layers unfolded", CellKind.Lstm, 2, true, false, false, true, PyTorchHead.None },
        { "LSTM bidirectional 2 layers dynamic zero states", CellKind.Lstm, 2, true, true, false, false, PyTorchHead.LastHidden },
        { "LSTM 3 layers softmax head", CellKind.Lstm, 3, false, false, true, true, PyTorchHead.EveryStepSoftmax },
        { "GRU", CellKind.Gru, 1, false, false, false, true, PyTorchHead.None },
        { "GRU bidirectional 2 layers batch-first", CellKind.Gru, 2, true, true, false, false, PyTorchHead.LastOutput },
        { "RNN tanh bidirectional", CellKind.RnnTanh, 1, true, false, true, true, PyTorchHead.LastHidden },
        { "RNN relu 2 layers", CellKind.RnnRelu, 2, false, true, false, false, PyTorchHead.None },
    };

    [Theory]
    [MemberData(nameof(PyTorchExports))]
    public void Import_GraphAsPyTorchExportsIt_MatchesOnnxRuntimeAndKeepsTheWeights(
        string name, CellKind cell, int layers, bool bidirectional, bool batchFirst, bool fold, bool statesAsInputs, PyTorchHead head)
    {
        RecurrentLayer source = Data.Layer(new RecurrentOptions
        {
            Cell = cell, InputSize = 4, HiddenSize = 6, NumLayers = layers, Bidirectional = bidirectional,
        });
        // h_n[-1] is the last direction's state alone, so that head reads H features; the others read D·H.
        var fc = new Dense(head == PyTorchHead.LastHidden ? 6 : source.Options.OutputSize, 3, seed: 9);
        byte[] bytes = new PyTorchStyleExport
        {
            Layer = source, BatchFirst = batchFirst, FoldConstants = fold, StatesAsInputs = statesAsInputs, Head = head, HeadLayer = fc,
        }.Build();
        var inputs = new Dictionary<string, OnnxTensor>
        {
            ["input"] = OnnxTensor.FromSingles(Data.Uniform(Steps * Batch * 4, seed: 21, -2f, 2f), batchFirst ? [Batch, Steps, 4] : [Steps, Batch, 4]),
        };
        if (statesAsInputs)
        {
            int states = layers * source.Options.Directions;
            inputs["h0"] = OnnxTensor.FromSingles(Data.Uniform(states * Batch * 6, seed: 22), states, Batch, 6);
            if (cell == CellKind.Lstm)
            {
                inputs["c0"] = OnnxTensor.FromSingles(Data.Uniform(states * Batch * 6, seed: 23), states, Batch, 6);
            }
        }

        OnnxModel model = OnnxModel.Load(bytes);
        IReadOnlyDictionary<string, OnnxTensor> ours = model.Run(inputs);
        Dictionary<string, OnnxTensor> ort = OnnxRuntimeOracle.Run(bytes, inputs);

        Compare.AllClose(ort, ours);
        Assert.Equal(layers, model.RecurrentNodes.Count);
        for (int l = 0; l < layers; l++)
        {
            // Every imported layer holds exactly the PyTorch-ordered weights the graph was made from.
            RecurrentLayer imported = model.RecurrentNodes[l].Layer;
            foreach (Parameter parameter in imported.Parameters)
            {
                string sourceName = parameter.Name.Replace("_l0", $"_l{l}", StringComparison.Ordinal);
                Assert.True(
                    source.Parameters[sourceName].Values.SequenceEqual(parameter.Values),
                    $"{name}: layer {l} {parameter.Name} differs from the source's {sourceName}.");
            }
        }

        if (head is PyTorchHead.LastOutput or PyTorchHead.LastHidden)
        {
            Assert.Equal(fc.Parameters.Values.ToArray(), Assert.Single(model.DenseNodes).Layer.Parameters.Values.ToArray());
        }
    }

    [Theory]
    [InlineData("LSTM", "forward", 0, true)]
    [InlineData("LSTM", "reverse", 0, true)]
    [InlineData("LSTM", "reverse", 1, true)]
    [InlineData("LSTM", "bidirectional", 1, true)]
    [InlineData("LSTM", "bidirectional", 0, false)]
    [InlineData("GRU", "reverse", 0, false)]
    [InlineData("GRU", "bidirectional", 1, true)]
    [InlineData("GRU", "forward", 0, false)]
    [InlineData("RNN", "reverse", 1, true)]
    public void Import_SingleNodeWithEveryOption_MatchesOnnxRuntime(string opType, string direction, int layout, bool linearBeforeReset)
    {
        // Peepholes, sequence_lens (INT64 cast to INT32, as exporters emit it), initial states, layout and
        // linear_before_reset: the options PyTorch never emits but other producers do. ONNX Runtime's CPU kernels
        // refuse layout = 1, so the oracle runs the layout-0 twin of the model on transposed inputs.
        int d = direction == "bidirectional" ? 2 : 1;
        byte[] ours = SingleNode(opType, direction, layout, linearBeforeReset);
        byte[] twin = SingleNode(opType, direction, 0, linearBeforeReset);
        Dictionary<string, OnnxTensor> values = SingleNodeInputs(opType, d, layout);
        Dictionary<string, OnnxTensor> twinValues = SingleNodeInputs(opType, d, 0);

        OnnxModel model = OnnxModel.Load(ours);
        IReadOnlyDictionary<string, OnnxTensor> result = model.Run(values);
        Dictionary<string, OnnxTensor> ort = OnnxRuntimeOracle.Run(twin, twinValues);

        Compare.Close(ort["Y_h"], ToLayout0(result["Y_h"], layout, 1), "Y_h");
        if (opType == "LSTM")
        {
            Compare.Close(ort["Y_c"], ToLayout0(result["Y_c"], layout, 1), "Y_c");
        }

        // Y is zero past each sequence's length: compare it whole without the non-zero rule.
        OnnxTensor y = ToLayout0(result["Y"], layout, 2);
        Assert.True(ort["Y"].Shape.SequenceEqual(y.Shape), $"Y shape {y.ShapeText} vs {ort["Y"].ShapeText}");
        for (int i = 0; i < y.Length; i++)
        {
            Assert.True(MathF.Abs(ort["Y"].AsSingles()[i] - y.AsSingles()[i]) <= Compare.Tolerance, $"Y[{i}]: {y.AsSingles()[i]} vs {ort["Y"].AsSingles()[i]}");
        }

        OnnxDirection expected = direction switch
        {
            "reverse" => OnnxDirection.Reverse,
            "bidirectional" => OnnxDirection.Bidirectional,
            _ => OnnxDirection.Forward,
        };
        Assert.Equal(expected, Assert.Single(model.RecurrentNodes).Direction);
    }

    private const int Input = 3;
    private const int Hidden = 4;

    private static byte[] SingleNode(string opType, string direction, int layout, bool linearBeforeReset)
    {
        int d = direction == "bidirectional" ? 2 : 1;
        int gates = opType switch { "LSTM" => 4, "GRU" => 3, _ => 1 };
        var g = new GraphBuilder();
        g.Input("X", DataType.Float, layout == 0 ? [Steps, Batch, Input] : [Batch, Steps, Input]);
        g.Input("lengths", DataType.Int64, Batch);
        g.Input("h", DataType.Float, layout == 0 ? [d, Batch, Hidden] : [Batch, d, Hidden]);
        var inputs = new List<string>
        {
            "X",
            g.Initializer("W", Data.Uniform(d * gates * Hidden * Input, 31, -0.8f, 0.8f), d, gates * Hidden, Input),
            g.Initializer("R", Data.Uniform(d * gates * Hidden * Hidden, 32, -0.8f, 0.8f), d, gates * Hidden, Hidden),
            g.Initializer("B", Data.Uniform(d * 2 * gates * Hidden, 33, -0.5f, 0.5f), d, 2 * gates * Hidden),
            g.Apply("Cast", ["lengths"], ("to", 6L)),
            "h",
        };
        if (opType == "LSTM")
        {
            g.Input("c", DataType.Float, layout == 0 ? [d, Batch, Hidden] : [Batch, d, Hidden]);
            inputs.Add("c");
            inputs.Add(g.Initializer("P", Data.Uniform(d * 3 * Hidden, 34, -0.7f, 0.7f), d, 3 * Hidden));
        }

        var attributes = new List<(string, object)> { ("hidden_size", (long)Hidden), ("direction", direction) };
        if (layout == 1)
        {
            attributes.Add(("layout", 1L));
        }

        if (opType == "GRU")
        {
            attributes.Add(("linear_before_reset", linearBeforeReset ? 1L : 0L));
        }

        string[] outputs = opType == "LSTM" ? ["Y", "Y_h", "Y_c"] : ["Y", "Y_h"];
        g.Node(opType, [.. inputs], outputs, [.. attributes]);
        foreach (string output in outputs)
        {
            g.Output(output, DataType.Float);
        }

        return GraphBuilder.Model(g.Graph, 17, "test", "1").ToByteArray();
    }

    /// <summary>The same values for both layouts: generated time-major, transposed to batch-major for layout 1.</summary>
    private static Dictionary<string, OnnxTensor> SingleNodeInputs(string opType, int d, int layout)
    {
        var values = new Dictionary<string, OnnxTensor>
        {
            ["X"] = Swap(Data.Uniform(Steps * Batch * Input, 35, -2f, 2f), Steps, Batch, Input, layout),
            ["lengths"] = OnnxTensor.FromInt64([5, 3, 4], Batch),
            ["h"] = Swap(Data.Uniform(d * Batch * Hidden, 36), d, Batch, Hidden, layout),
        };
        if (opType == "LSTM")
        {
            values["c"] = Swap(Data.Uniform(d * Batch * Hidden, 37), d, Batch, Hidden, layout);
        }

        return values;
    }

    /// <summary>(A, B, W) as is, or as (B, A, W) for layout 1.</summary>
    private static OnnxTensor Swap(float[] values, int a, int b, int width, int layout)
    {
        if (layout == 0)
        {
            return OnnxTensor.FromSingles(values, a, b, width);
        }

        var swapped = new float[values.Length];
        for (int i = 0; i < a; i++)
        {
            for (int j = 0; j < b; j++)
            {
                Array.Copy(values, ((i * b) + j) * width, swapped, ((j * a) + i) * width, width);
            }
        }

        return OnnxTensor.FromSingles(swapped, b, a, width);
    }

    /// <summary>A layout-1 output moved to layout 0: the batch axis goes from the front to position <paramref name="batchAxis"/>.</summary>
    private static OnnxTensor ToLayout0(OnnxTensor value, int layout, int batchAxis)
    {
        if (layout == 0)
        {
            return value;
        }

        int[] shape = value.Shape.ToArray();
        int batch = shape[0];
        int middle = 1;
        for (int i = 1; i <= batchAxis; i++)
        {
            middle *= shape[i];
        }

        int width = value.Length / batch / middle;
        float[] source = value.AsSingles().ToArray();
        var moved = new float[source.Length];
        for (int b = 0; b < batch; b++)
        {
            for (int m = 0; m < middle; m++)
            {
                Array.Copy(source, ((b * middle) + m) * width, moved, ((m * batch) + b) * width, width);
            }
        }

        int[] target = [.. shape[1..(batchAxis + 1)], batch, .. shape[(batchAxis + 1)..]];
        return OnnxTensor.FromSingles(moved, target);
    }

    [Fact]
    public void Import_OldOpsetAttributeForms_MatchOnnxRuntime()
    {
        // Opset 9: Squeeze/Unsqueeze/Slice take their lists as attributes, Softmax flattens from its axis.
        var g = new GraphBuilder();
        g.Input("x", DataType.Float, 2, 3, 4);
        string unsqueezed = g.Apply("Unsqueeze", ["x"], ("axes", new long[] { 0 }));
        string squeezed = g.Apply("Squeeze", [unsqueezed], ("axes", new long[] { 0 }));
        string flat = g.Apply("Flatten", [squeezed], ("axis", 1L));
        string sliced = g.Apply("Slice", [flat], ("starts", new long[] { 1 }), ("ends", new long[] { 100 }), ("axes", new long[] { 1 }));
        g.Node("Softmax", [squeezed], ["soft"], ("axis", 1L));
        g.Node("Identity", [sliced], ["sliced"]);
        g.Output("soft", DataType.Float);
        g.Output("sliced", DataType.Float);
        byte[] bytes = GraphBuilder.Model(g.Graph, 9, "test", "1").ToByteArray();
        var inputs = new Dictionary<string, OnnxTensor> { ["x"] = OnnxTensor.FromSingles(Data.Uniform(24, 41, 0.1f, 2f), 2, 3, 4) };

        Compare.AllClose(OnnxRuntimeOracle.Run(bytes, inputs), OnnxModel.Load(bytes).Run(inputs));
    }

    [Fact]
    public void Import_PlainOperators_MatchOnnxRuntime()
    {
        // The shape arithmetic and elementwise operators on their own, with negative steps and broadcasting.
        var g = new GraphBuilder();
        g.Input("x", DataType.Float, 4, 3, 5);
        string c(long[] v) => g.Initializer(g.Name("c"), v, v.Length);
        string reversed = g.Apply("Slice", ["x", c([-1]), c([-100]), c([2]), c([-2])]);
        string expanded = g.Apply("Expand", [g.Initializer("row", Data.Uniform(3, 42), 1, 3), c([4, 3])]);
        string mean = g.Apply("Div", [g.Apply("Sub", [g.Apply("Mul", ["x", "x"]), g.Initializer("one", [1f], 1)]), g.Initializer("two", [2f], 1)]);
        string gathered = g.Apply("Gather", [mean, c([2, 0, 2])], ("axis", 1L));
        g.Node("Gemm", [g.Apply("Reshape", [gathered, c([4, -1])]), g.Initializer("gw", Data.Uniform(15 * 2, 43), 15, 2), g.Initializer("gc", Data.Uniform(2, 44), 2)],
            ["gemm"], ("alpha", 0.5f), ("beta", 2f));
        g.Node("MatMul", [g.Apply("Tanh", [reversed]), g.Apply("Transpose", [g.Apply("Sigmoid", [reversed])], ("perm", new long[] { 0, 2, 1 }))], ["batched"]);
        g.Node("Relu", [g.Apply("Add", ["x", g.Apply("Unsqueeze", [g.Initializer("bias", Data.Uniform(5, 45, 0f, 1.5f), 5), c([0])])])], ["relu"]);
        g.Node("LogSoftmax", [g.Apply("Concat", [reversed, "x"], ("axis", -1L))], ["logsoftmax"], ("axis", 1L));
        g.Node("Identity", [expanded], ["expanded"]);
        g.Output("gemm", DataType.Float);
        g.Output("batched", DataType.Float);
        g.Output("relu", DataType.Float);
        g.Output("logsoftmax", DataType.Float);
        g.Output("expanded", DataType.Float);
        byte[] bytes = GraphBuilder.Model(g.Graph, 17, "test", "1").ToByteArray();
        var inputs = new Dictionary<string, OnnxTensor> { ["x"] = OnnxTensor.FromSingles(Data.Uniform(60, 46, -1f, 2f), 4, 3, 5) };

        Compare.AllClose(OnnxRuntimeOracle.Run(bytes, inputs), OnnxModel.Load(bytes).Run(inputs));
    }

    [Fact]
    public void Import_Float16AndDoubleInitializers_ConvertOnLoad()
    {
        float[] weights = [0.5f, -0.25f, 1.5f, 2f, -1f, 0.125f];
        var g = new GraphBuilder();
        g.Input("x", DataType.Float, 1, 3);
        var half = new TensorProto { Name = "w16", DataType = (int)DataType.Float16 };
        half.Dims.AddRange([3L, 2L]);
        foreach (float w in weights)
        {
            half.Int32Data.Add(BitConverter.HalfToUInt16Bits((Half)w));
        }

        var dbl = new TensorProto { Name = "b64", DataType = (int)DataType.Double };
        dbl.Dims.Add(2);
        dbl.DoubleData.AddRange([0.25, -0.5]);
        g.Graph.Initializer.Add(half);
        g.Graph.Initializer.Add(dbl);
        g.Node("Gemm", ["x", "w16", "b64"], ["y"]);
        g.Output("y", DataType.Float);

        OnnxModel model = OnnxModel.Load(GraphBuilder.Model(g.Graph, 17, "test", "1").ToByteArray());
        float[] y = model.Run(new Dictionary<string, OnnxTensor> { ["x"] = OnnxTensor.FromSingles([1f, 2f, 3f], 1, 3) })["y"].AsSingles().ToArray();

        Assert.Equal([(1 * 0.5f) + (2 * 1.5f) + (3 * -1f) + 0.25f, (1 * -0.25f) + (2 * 2f) + (3 * 0.125f) - 0.5f], y);
    }

    [Fact]
    public void Run_MissingOrWrongInput_ThrowsArgumentExceptionNamingIt()
    {
        byte[] bytes = OnnxExporter.Export(Data.Layer(ExportTests.Options(CellKind.Gru, 1, false, false, true)));
        OnnxModel model = OnnxModel.Load(bytes);

        var missing = Assert.Throws<ArgumentException>(() => model.Run(new Dictionary<string, OnnxTensor>()));
        var shape = Assert.Throws<ArgumentException>(() => model.Run(new Dictionary<string, OnnxTensor> { ["input"] = OnnxTensor.FromSingles(new float[8], 2, 1, 4) }));
        var unknown = Assert.Throws<ArgumentException>(() => model.Run(new Dictionary<string, OnnxTensor> { ["x"] = OnnxTensor.FromSingles([1f], 1) }));

        Assert.Contains("'input'", missing.Message);
        Assert.Contains("[?, ?, 5]", shape.Message);
        Assert.Contains("'x'", unknown.Message);
    }
}
