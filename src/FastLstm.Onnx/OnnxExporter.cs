using FastLstm.Onnx.Protos;
using FastLstm.Training;
using Google.Protobuf;
using DataType = FastLstm.Onnx.Protos.TensorProto.Types.DataType;

namespace FastLstm.Onnx;

/// <summary>
/// Writes FastLstm models as ONNX (opset 17), so they run in ONNX Runtime and other runtimes, with the graph PyTorch's
/// exporter emits for the same model: one LSTM/GRU/RNN node per layer (both directions in one node), Transpose +
/// Reshape (bidirectional) or Squeeze between layers, Concat of the final states, MatMul + Add or Gemm for a head.
/// </summary>
/// <remarks>
/// <para>Graph inputs: <c>input</c> FLOAT (T, B, I) — or <c>tokens</c> INT64 (T, B) with an embedding, exported as a
/// Gather — and optionally <c>sequence_lens</c>, <c>h0</c>, <c>c0</c> (<see cref="OnnxExportOptions"/>); T and B are
/// symbolic. Outputs: <c>output</c> — the last layer's (T, B, D·H), or the head's (T, B, K) for
/// <see cref="HeadMode.EveryStep"/> and (B, K) for <see cref="HeadMode.LastStep"/> — then <c>h_n</c> (L·D, B, H) and,
/// for an LSTM, <c>c_n</c>. Weights are converted to ONNX gate order by <see cref="OnnxGateOrder"/>.</para>
/// <para>Not exportable: an LSTM with a projection (ONNX's LSTM has none). Dropout is an inference no-op and not exported.</para>
/// <para>Thread-safety: exporting reads the parameters; do not train the model on another thread meanwhile.</para>
/// </remarks>
public static class OnnxExporter
{
    /// <summary>The ONNX operator set the exporter writes.</summary>
    public const int Opset = 17;

    /// <summary>Exports a recurrent stack, optionally with a dense head and an embedding in front, as ONNX model bytes.</summary>
    /// <param name="layer">The recurrent stack.</param>
    /// <param name="head">A head on the stack's output, or null for none.</param>
    /// <param name="headMode">Which steps the head reads (ignored without a head).</param>
    /// <param name="embedding">A token embedding in front, or null to read feature vectors.</param>
    /// <param name="options">Optional inputs; null for the defaults.</param>
    /// <exception cref="NotSupportedException">The layer has a projection (ProjectionSize &gt; 0).</exception>
    /// <exception cref="ArgumentException">The head's or the embedding's size does not fit the layer.</exception>
    public static byte[] Export(
        RecurrentLayer layer, Dense? head = null, HeadMode headMode = HeadMode.EveryStep, Embedding? embedding = null, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return Build(layer, head, headMode, embedding, options ?? new OnnxExportOptions()).ToByteArray();
    }

    /// <summary>Exports a <see cref="RecurrentModel"/> (embedding, stack and head) as ONNX model bytes.</summary>
    /// <inheritdoc cref="Export(RecurrentLayer, Dense?, HeadMode, Embedding?, OnnxExportOptions?)" path="/exception"/>
    public static byte[] Export(RecurrentModel model, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Export(model.Recurrent, model.Head, model.HeadMode, model.Embedding, options);
    }

    /// <summary>Exports a <see cref="RecurrentModel"/> to an .onnx file, atomically (a temporary file beside it, then a rename).</summary>
    /// <inheritdoc cref="Export(RecurrentLayer, Dense?, HeadMode, Embedding?, OnnxExportOptions?)" path="/exception"/>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(string path, RecurrentModel model, OnnxExportOptions? options = null) => WriteAtomically(path, Export(model, options));

    /// <summary>Exports a recurrent stack (and optional head and embedding) to an .onnx file, atomically.</summary>
    /// <inheritdoc cref="Export(RecurrentLayer, Dense?, HeadMode, Embedding?, OnnxExportOptions?)"/>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(
        string path, RecurrentLayer layer, Dense? head = null, HeadMode headMode = HeadMode.EveryStep, Embedding? embedding = null,
        OnnxExportOptions? options = null) => WriteAtomically(path, Export(layer, head, headMode, embedding, options));

    private static ModelProto Build(RecurrentLayer layer, Dense? head, HeadMode headMode, Embedding? embedding, OnnxExportOptions options)
    {
        RecurrentOptions o = layer.Options;
        if (o.ProjectionSize > 0)
        {
            throw new NotSupportedException(
                $"The layer has ProjectionSize = {o.ProjectionSize}; ONNX's LSTM operator has no projection (PyTorch's proj_size), so it cannot be exported.");
        }

        if (head is not null && head.InputSize != o.OutputSize)
        {
            throw new ArgumentException($"The head reads {head.InputSize} features; the layer outputs {o.OutputSize}.", nameof(head));
        }

        if (embedding is not null && embedding.EmbeddingSize != o.InputSize)
        {
            throw new ArgumentException($"The embedding has {embedding.EmbeddingSize} features; the layer reads {o.InputSize}.", nameof(embedding));
        }

        if (!Enum.IsDefined(headMode))
        {
            throw new ArgumentException($"headMode must be a defined HeadMode; got {(int)headMode}.", nameof(headMode));
        }

        var g = new GraphBuilder();
        int directions = o.Directions;
        int hidden = o.HiddenSize;
        int layers = o.NumLayers;
        int states = layers * directions;

        string x;
        if (embedding is null)
        {
            g.Input("input", DataType.Float, "T", "B", o.InputSize);
            x = "input";
        }
        else
        {
            g.Input("tokens", DataType.Int64, "T", "B");
            string table = g.Initializer("embedding.weight", embedding.Parameters["weight"].Values, embedding.VocabularySize, embedding.EmbeddingSize);
            x = g.Apply("Gather", [table, "tokens"], ("axis", 0L));
        }

        string lengths = "";
        if (options.SequenceLengths)
        {
            g.Input("sequence_lens", DataType.Int32, "B");
            lengths = "sequence_lens";
        }

        if (options.InitialStates)
        {
            g.Input("h0", DataType.Float, states, "B", hidden);
            if (o.HasCellState)
            {
                g.Input("c0", DataType.Float, states, "B", hidden);
            }
        }

        var finalHidden = new List<string>();
        var finalCell = new List<string>();
        for (int l = 0; l < layers; l++)
        {
            (string y, string yh, string yc) = Layer(g, layer, l, x, lengths, options.InitialStates);
            finalHidden.Add(yh);
            finalCell.Add(yc);

            // (T, D, B, H) → (T, B, D·H), the layout of FastLstm's and PyTorch's output, as PyTorch's exporter does it.
            if (directions == 2)
            {
                string transposed = g.Apply("Transpose", [y], ("perm", new long[] { 0, 2, 1, 3 }));
                x = g.Apply("Reshape", [transposed, g.Initializer(g.Name("shape"), new long[] { 0, 0, -1 }, 3)]);
            }
            else
            {
                x = g.Apply("Squeeze", [y, g.Initializer(g.Name("axes"), new long[] { 1 }, 1)]);
            }
        }

        Merge(g, finalHidden, "h_n");
        if (o.HasCellState)
        {
            Merge(g, finalCell, "c_n");
        }

        int outputWidth = o.OutputSize;
        if (head is null)
        {
            g.Node("Identity", [x], ["output"]);
            g.Output("output", DataType.Float, "T", "B", outputWidth);
        }
        else if (headMode == HeadMode.EveryStep)
        {
            // PyTorch's nn.Linear on a 3-D input: MatMul by Wᵀ, then Add the bias.
            float[] weight = head.Parameters["weight"].Values.ToArray();
            var transposed = new float[weight.Length];
            for (int k = 0; k < head.OutputSize; k++)
            {
                for (int i = 0; i < head.InputSize; i++)
                {
                    transposed[(i * head.OutputSize) + k] = weight[(k * head.InputSize) + i];
                }
            }

            string product = g.Apply("MatMul", [x, g.Initializer("head.weight_t", transposed, head.InputSize, head.OutputSize)]);
            if (head.Parameters.TryGet("bias", out Parameter? bias))
            {
                g.Node("Add", [product, g.Initializer("head.bias", bias.Values, head.OutputSize)], ["output"]);
            }
            else
            {
                g.Node("Identity", [product], ["output"]);
            }

            g.Output("output", DataType.Float, "T", "B", head.OutputSize);
        }
        else
        {
            // The last layer's final states (D, B, H) → (B, D·H), then Gemm with W (K, D·H), transB = 1.
            string last = finalHidden[^1];
            string perBatch = g.Apply("Transpose", [last], ("perm", new long[] { 1, 0, 2 }));
            string flat = g.Apply("Reshape", [perBatch, g.Initializer(g.Name("shape"), new long[] { 0, -1 }, 2)]);
            var gemmInputs = new List<string> { flat, g.Initializer("head.weight", head.Parameters["weight"].Values, head.OutputSize, head.InputSize) };
            if (head.Parameters.TryGet("bias", out Parameter? bias))
            {
                gemmInputs.Add(g.Initializer("head.bias", bias.Values, head.OutputSize));
            }

            g.Node("Gemm", [.. gemmInputs], ["output"], ("transB", 1L));
            g.Output("output", DataType.Float, "B", head.OutputSize);
        }

        g.Output("h_n", DataType.Float, states, "B", hidden);
        if (o.HasCellState)
        {
            g.Output("c_n", DataType.Float, states, "B", hidden);
        }

        return GraphBuilder.Model(g.Graph, Opset, "FastLstm", typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "");
    }

    /// <summary>Adds layer <paramref name="l"/>'s recurrent node; returns its Y, Y_h and Y_c (empty for GRU/RNN).</summary>
    private static (string Y, string YH, string YC) Layer(GraphBuilder g, RecurrentLayer layer, int l, string x, string lengths, bool initialStates)
    {
        RecurrentOptions o = layer.Options;
        CellKind cell = o.Cell;
        int directions = o.Directions;
        int hidden = o.HiddenSize;
        int gatesHidden = GateOrder.Count(cell) * hidden;
        int inputWidth = l == 0 ? o.InputSize : o.OutputSize;
        var w = new float[directions * gatesHidden * inputWidth];
        var r = new float[directions * gatesHidden * hidden];
        var b = new float[directions * 2 * gatesHidden];
        var p = new float[directions * 3 * hidden];
        for (int d = 0; d < directions; d++)
        {
            string suffix = $"_l{l}" + (d == 1 ? "_reverse" : "");
            ParameterList parameters = layer.Parameters;
            OnnxGateOrder.ToOnnx(cell, parameters["weight_ih" + suffix].Values, w.AsSpan(d * gatesHidden * inputWidth, gatesHidden * inputWidth), hidden, inputWidth);
            OnnxGateOrder.ToOnnx(cell, parameters["weight_hh" + suffix].Values, r.AsSpan(d * gatesHidden * hidden, gatesHidden * hidden), hidden, hidden);
            if (o.Bias)
            {
                OnnxGateOrder.ToOnnx(cell, parameters["bias_ih" + suffix].Values, b.AsSpan(2 * d * gatesHidden, gatesHidden), hidden, 1);
                OnnxGateOrder.ToOnnx(cell, parameters["bias_hh" + suffix].Values, b.AsSpan(((2 * d) + 1) * gatesHidden, gatesHidden), hidden, 1);
            }

            if (o.Peephole)
            {
                OnnxGateOrder.PeepholeToOnnx(parameters["weight_peephole" + suffix].Values, p.AsSpan(d * 3 * hidden, 3 * hidden), hidden);
            }
        }

        string initialH = "";
        string initialC = "";
        if (initialStates)
        {
            initialH = StateSlice(g, "h0", l, o);
            initialC = o.HasCellState ? StateSlice(g, "c0", l, o) : "";
        }

        var inputs = new List<string>
        {
            x,
            g.Initializer($"W_l{l}", w, directions, gatesHidden, inputWidth),
            g.Initializer($"R_l{l}", r, directions, gatesHidden, hidden),
            o.Bias ? g.Initializer($"B_l{l}", b, directions, 2 * gatesHidden) : "",
            lengths,
            initialH,
        };
        if (cell == CellKind.Lstm)
        {
            inputs.Add(initialC);
            inputs.Add(o.Peephole ? g.Initializer($"P_l{l}", p, directions, 3 * hidden) : "");
        }

        while (inputs[^1].Length == 0)
        {
            inputs.RemoveAt(inputs.Count - 1);
        }

        var attributes = new List<(string, object)>
        {
            ("hidden_size", (long)hidden),
            ("direction", directions == 2 ? "bidirectional" : "forward"),
        };
        string opType;
        switch (cell)
        {
            case CellKind.Lstm:
                opType = "LSTM";
                break;
            case CellKind.Gru:
                opType = "GRU";
                attributes.Add(("linear_before_reset", o.GruLinearBeforeReset ? 1L : 0L));
                break;
            default:
                opType = "RNN";
                string activation = cell == CellKind.RnnRelu ? "Relu" : "Tanh";
                attributes.Add(("activations", directions == 2 ? new[] { activation, activation } : new[] { activation }));
                break;
        }

        string y = g.Name($"Y_l{l}");
        string yh = g.Name($"Y_h_l{l}");
        string yc = cell == CellKind.Lstm ? g.Name($"Y_c_l{l}") : "";
        string[] outputs = cell == CellKind.Lstm ? [y, yh, yc] : [y, yh];
        g.Node(opType, [.. inputs], outputs, [.. attributes]);
        return (y, yh, yc);
    }

    /// <summary>Layer l's rows of a (L·D, B, H) state input, as PyTorch's exporter slices them.</summary>
    private static string StateSlice(GraphBuilder g, string state, int l, RecurrentOptions o)
    {
        if (o.NumLayers == 1)
        {
            return state;
        }

        int d = o.Directions;
        return g.Apply(
            "Slice",
            [state, g.Initializer(g.Name("starts"), new long[] { l * d }, 1), g.Initializer(g.Name("ends"), new long[] { (l + 1) * d }, 1),
             g.Initializer(g.Name("axes"), new long[] { 0 }, 1)]);
    }

    private static void Merge(GraphBuilder g, List<string> perLayer, string output)
    {
        if (perLayer.Count == 1)
        {
            g.Node("Identity", [perLayer[0]], [output]);
        }
        else
        {
            g.Node("Concat", [.. perLayer], [output], ("axis", 0L));
        }
    }

    private static void WriteAtomically(string path, byte[] bytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string target = Path.GetFullPath(path);
        string temporary = Path.Combine(Path.GetDirectoryName(target) ?? ".", $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                file.Write(bytes);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
