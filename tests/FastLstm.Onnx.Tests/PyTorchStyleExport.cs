using FastLstm.Onnx.Protos;
using Google.Protobuf;
using DataType = FastLstm.Onnx.Protos.TensorProto.Types.DataType;

namespace FastLstm.Onnx.Tests;

/// <summary>What the builder puts around the recurrent nodes.</summary>
public enum PyTorchHead
{
    /// <summary>No head: outputs are the stack's output, h_n, c_n.</summary>
    None,

    /// <summary><c>fc(out[:, -1, :])</c> on a batch-first output: Gather(axis 1, index −1) then Gemm.</summary>
    LastOutput,

    /// <summary><c>fc(h_n[-1])</c>: Gather(axis 0, index −1) then Gemm.</summary>
    LastHidden,

    /// <summary><c>fc(out)</c> on every step: MatMul + Add, then Softmax over the classes.</summary>
    EveryStepSoftmax,
}

/// <summary>
/// Builds the ONNX graph PyTorch's exporter (torch/onnx/symbolic_opset9.py, _generic_rnn) emits for nn.LSTM / nn.GRU /
/// nn.RNN, from a FastLstm layer whose parameters are in PyTorch's layout: the state_dict tensors as initializers
/// reordered by Slice + Concat + Unsqueeze (an export without constant folding) or already folded; batch_first via
/// Transpose; per-layer Slice of h0/c0 — or zero states built from the input's Shape when no h0 is given, as a
/// dynamic-batch export does; Transpose + Reshape (bidirectional) or Squeeze between layers; Concat of the final
/// states; and a head as <see cref="PyTorchHead"/> says.
/// </summary>
internal sealed class PyTorchStyleExport
{
    public required RecurrentLayer Layer { get; init; }

    public bool BatchFirst { get; init; }

    public bool FoldConstants { get; init; }

    /// <summary>True: h0 (and c0) are graph inputs. False: zeros made from the input's batch size at run time.</summary>
    public bool StatesAsInputs { get; init; }

    public PyTorchHead Head { get; init; }

    public Dense? HeadLayer { get; init; }

    public int Opset { get; init; } = 17;

    public byte[] Build()
    {
        RecurrentOptions o = Layer.Options;
        var g = new GraphBuilder();
        int d = o.Directions;
        int h = o.HiddenSize;
        int states = o.NumLayers * d;
        string opType = o.Cell switch
        {
            CellKind.Lstm => "LSTM",
            CellKind.Gru => "GRU",
            _ => "RNN",
        };

        g.Input("input", DataType.Float, BatchFirst ? ["batch", "seq", o.InputSize] : ["seq", "batch", o.InputSize]);
        string x = BatchFirst ? g.Apply("Transpose", ["input"], ("perm", new long[] { 1, 0, 2 })) : "input";

        string h0;
        string c0 = "";
        if (StatesAsInputs)
        {
            g.Input("h0", DataType.Float, states, "batch", h);
            h0 = "h0";
            if (o.HasCellState)
            {
                g.Input("c0", DataType.Float, states, "batch", h);
                c0 = "c0";
            }
        }
        else
        {
            // torch.zeros(L·D, input.size(batch_dim), H), traced with a dynamic batch axis.
            string shape = g.Apply("Shape", ["input"]);
            string batch = g.Apply("Gather", [shape, Constant(g, [BatchFirst ? 0L : 1L], scalar: true)], ("axis", 0L));
            string size = g.Apply("Concat", [Constant(g, [states]), g.Apply("Unsqueeze", [batch, Constant(g, [0])]), Constant(g, [h])], ("axis", 0L));
            h0 = g.Apply("ConstantOfShape", [size], ("value", TensorCodec.Encode("zero", [1], [0f])));
            c0 = o.HasCellState ? g.Apply("ConstantOfShape", [size], ("value", TensorCodec.Encode("zero", [1], [0f]))) : "";
        }

        var hOut = new List<string>();
        var cOut = new List<string>();
        for (int l = 0; l < o.NumLayers; l++)
        {
            (string w, string r, string b) = Weights(g, l);
            var inputs = new List<string> { x, w, r, b, "", StateSlice(g, h0, l) };
            if (o.HasCellState)
            {
                inputs.Add(StateSlice(g, c0, l));
            }

            var attributes = new List<(string, object)> { ("hidden_size", (long)h) };
            if (d == 2)
            {
                attributes.Add(("direction", "bidirectional"));
            }

            if (o.Cell == CellKind.Gru)
            {
                attributes.Add(("linear_before_reset", 1L));
            }
            else if (opType == "RNN")
            {
                string activation = o.Cell == CellKind.RnnRelu ? "Relu" : "Tanh";
                attributes.Add(("activations", d == 2 ? new[] { activation, activation } : new[] { activation }));
            }

            string y = g.Name("y");
            string yh = g.Name("y_h");
            string yc = g.Name("y_c");
            g.Node(opType, [.. inputs], o.HasCellState ? [y, yh, yc] : [y, yh], [.. attributes]);
            hOut.Add(yh);
            cOut.Add(yc);
            x = d == 2
                ? g.Apply("Reshape", [g.Apply("Transpose", [y], ("perm", new long[] { 0, 2, 1, 3 })), Constant(g, [0, 0, -1])])
                : g.Apply("Squeeze", [y, Constant(g, [1])]);
        }

        string output = BatchFirst ? g.Apply("Transpose", [x], ("perm", new long[] { 1, 0, 2 })) : x;
        string hN = hOut.Count == 1 ? hOut[0] : g.Apply("Concat", [.. hOut], ("axis", 0L));
        g.Node("Identity", [output], ["output"]);
        g.Node("Identity", [hN], ["h_n"]);
        g.Output("output", DataType.Float);
        g.Output("h_n", DataType.Float);
        if (o.HasCellState)
        {
            g.Node("Identity", [cOut.Count == 1 ? cOut[0] : g.Apply("Concat", [.. cOut], ("axis", 0L))], ["c_n"]);
            g.Output("c_n", DataType.Float);
        }

        if (Head != PyTorchHead.None)
        {
            AddHead(g, output, hN);
        }

        return GraphBuilder.Model(g.Graph, Opset, "pytorch", "2.5.0").ToByteArray();
    }

    private void AddHead(GraphBuilder g, string output, string hN)
    {
        Dense head = HeadLayer ?? throw new InvalidOperationException("A head needs HeadLayer.");
        string weight = g.Initializer("fc.weight", head.Parameters["weight"].Values, head.OutputSize, head.InputSize);
        string bias = g.Initializer("fc.bias", head.Parameters["bias"].Values, head.OutputSize);
        switch (Head)
        {
            case PyTorchHead.LastOutput:
            {
                int axis = BatchFirst ? 1 : 0;
                string last = g.Apply("Gather", [output, Constant(g, [-1], scalar: true)], ("axis", (long)axis));
                g.Node("Gemm", [last, weight, bias], ["logits"], ("alpha", 1f), ("beta", 1f), ("transB", 1L));
                break;
            }

            case PyTorchHead.LastHidden:
            {
                string last = g.Apply("Gather", [hN, Constant(g, [-1], scalar: true)], ("axis", 0L));
                g.Node("Gemm", [last, weight, bias], ["logits"], ("alpha", 1f), ("beta", 1f), ("transB", 1L));
                break;
            }

            default:
            {
                string transposed = g.Apply("Transpose", [weight], ("perm", new long[] { 1, 0 }));
                string product = g.Apply("MatMul", [output, transposed]);
                string logits = g.Apply("Add", [product, bias]);
                g.Node("Softmax", [logits], ["logits"], ("axis", -1L));
                break;
            }
        }

        g.Output("logits", DataType.Float);
    }

    /// <summary>W, R, B of layer l in ONNX's layout, from the PyTorch-ordered parameters.</summary>
    private (string W, string R, string B) Weights(GraphBuilder g, int l)
    {
        RecurrentOptions o = Layer.Options;
        var ws = new List<string>();
        var rs = new List<string>();
        var bs = new List<string>();
        for (int dir = 0; dir < o.Directions; dir++)
        {
            string suffix = $"_l{l}" + (dir == 1 ? "_reverse" : "");
            Parameter wih = Layer.Parameters["weight_ih" + suffix];
            Parameter whh = Layer.Parameters["weight_hh" + suffix];
            Parameter bih = Layer.Parameters["bias_ih" + suffix];
            Parameter bhh = Layer.Parameters["bias_hh" + suffix];
            if (FoldConstants)
            {
                ws.Add(FoldedInitializer(g, wih));
                rs.Add(FoldedInitializer(g, whh));
                float[] bias = [.. Reorder(bih.Values.ToArray(), 1), .. Reorder(bhh.Values.ToArray(), 1)];
                bs.Add(g.Initializer(g.Name("bias"), bias, 1, bias.Length));
                continue;
            }

            string Add(Parameter p) => g.Initializer("rnn." + p.Name, p.Values, p.Shape.ToArray());
            ws.Add(g.Apply("Unsqueeze", [Reform(g, Add(wih)), Constant(g, [0])]));
            rs.Add(g.Apply("Unsqueeze", [Reform(g, Add(whh)), Constant(g, [0])]));
            string concat = g.Apply("Concat", [Reform(g, Add(bih)), Reform(g, Add(bhh))], ("axis", 0L));
            bs.Add(g.Apply("Unsqueeze", [concat, Constant(g, [0])]));
        }

        return o.Directions == 1
            ? (ws[0], rs[0], bs[0])
            : (g.Apply("Concat", [.. ws], ("axis", 0L)), g.Apply("Concat", [.. rs], ("axis", 0L)), g.Apply("Concat", [.. bs], ("axis", 0L)));
    }

    /// <summary>PyTorch's reform_weights: row blocks sliced out and concatenated in ONNX order.</summary>
    private string Reform(GraphBuilder g, string tensor)
    {
        (int, int)[] intervals = Layer.Options.Cell switch
        {
            CellKind.Lstm => [(0, 1), (3, 4), (1, 3)], // i f g o → i o f g
            CellKind.Gru => [(1, 2), (0, 1), (2, 3)],  // r z n → z r n
            _ => [],
        };
        if (intervals.Length == 0)
        {
            return tensor;
        }

        int h = Layer.Options.HiddenSize;
        var slices = new List<string>();
        foreach ((int from, int to) in intervals)
        {
            slices.Add(g.Apply("Slice", [tensor, Constant(g, [from * h]), Constant(g, [to * h]), Constant(g, [0])]));
        }

        return g.Apply("Concat", [.. slices], ("axis", 0L));
    }

    private string FoldedInitializer(GraphBuilder g, Parameter p) =>
        g.Initializer(g.Name(p.Name), Reorder(p.Values.ToArray(), p.Shape[1]), 1, p.Shape[0], p.Shape[1]);

    /// <summary>The same reordering as <see cref="Reform"/>, done here rather than by <c>OnnxGateOrder</c>, as an independent check.</summary>
    private float[] Reorder(float[] values, int columns)
    {
        int h = Layer.Options.HiddenSize;
        int[] blocks = Layer.Options.Cell switch
        {
            CellKind.Lstm => [0, 3, 1, 2],
            CellKind.Gru => [1, 0, 2],
            _ => [0],
        };
        var result = new List<float>();
        foreach (int block in blocks)
        {
            result.AddRange(values.AsSpan(block * h * columns, h * columns).ToArray());
        }

        return [.. result];
    }

    private string StateSlice(GraphBuilder g, string state, int l)
    {
        int d = Layer.Options.Directions;
        return Layer.Options.NumLayers == 1
            ? state
            : g.Apply("Slice", [state, Constant(g, [l * d]), Constant(g, [(l + 1) * d]), Constant(g, [0])]);
    }

    /// <summary>A Constant node holding int64 values (a 1-D list, or a scalar).</summary>
    private static string Constant(GraphBuilder g, long[] values, bool scalar = false) =>
        g.Apply("Constant", [], ("value", TensorCodec.Encode(g.Name("c"), scalar ? [] : [values.Length], values)));
}
