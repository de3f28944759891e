namespace FastLstm.Onnx;

/// <summary>
/// Runs an ONNX LSTM, GRU or RNN node with a FastLstm <see cref="RecurrentLayer"/>: converts the weights once (gate
/// order, peepholes), and per call the layouts of X, states and outputs.
/// </summary>
/// <remarks>
/// ONNX semantics (onnx/onnx docs/Operators.md, LSTM/GRU/RNN): X (T, B, I) or with layout = 1 (B, T, I); W (D, G·H, I),
/// R (D, G·H, H), B (D, 2·G·H) = [Wb, Rb]; P (D, 3H) in i, o, f order; sequence_lens (B) int32; initial_h/initial_c and
/// Y_h/Y_c (D, B, H) or (B, D, H); Y (T, D, B, H) or (B, T, D, H), zero past each sequence's length. FastLstm's layer
/// uses (T, B, I) in, (T, B, D·H) out and states (D, B, H), which this class converts to and from.
/// </remarks>
internal sealed class RecurrentNode
{
    private RecurrentNode(RecurrentLayer layer, OnnxDirection direction, bool batchFirst, string operatorType)
    {
        Layer = layer;
        Direction = direction;
        BatchFirst = batchFirst;
        OperatorType = operatorType;
    }

    public RecurrentLayer Layer { get; }

    public OnnxDirection Direction { get; }

    public bool BatchFirst { get; }

    public string OperatorType { get; }

    private int Directions => Direction == OnnxDirection.Bidirectional ? 2 : 1;

    private int Hidden => Layer.Options.HiddenSize;

    /// <summary>Checks the node's attributes and constant weights and builds the layer.</summary>
    public static RecurrentNode Build(OpNode node, Func<int, OnnxTensor?> constantInput)
    {
        NodeAttributes attributes = node.Attributes;
        string where = node.Label;
        bool lstm = node.OpType == "LSTM";
        bool gru = node.OpType == "GRU";
        if (lstm)
        {
            attributes.Allow("activation_alpha", "activation_beta", "activations", "clip", "direction", "hidden_size", "input_forget", "layout");
        }
        else if (gru)
        {
            attributes.Allow("activation_alpha", "activation_beta", "activations", "clip", "direction", "hidden_size", "layout", "linear_before_reset");
        }
        else
        {
            attributes.Allow("activation_alpha", "activation_beta", "activations", "clip", "direction", "hidden_size", "layout");
        }

        if (attributes.Has("clip"))
        {
            OnnxThrow.Fail($"{where}: attribute 'clip' (cell clipping of the gate pre-activations) is not supported.");
        }

        if (attributes.Has("activation_alpha") || attributes.Has("activation_beta"))
        {
            OnnxThrow.Fail($"{where}: attributes 'activation_alpha'/'activation_beta' are not supported (only the default activations are).");
        }

        if (lstm && attributes.Int("input_forget", 0) != 0)
        {
            OnnxThrow.Fail($"{where}: attribute 'input_forget' = {attributes.Int("input_forget", 0)} (coupled input and forget gates) is not supported; only 0 is.");
        }

        long layout = attributes.Int("layout", 0);
        if (layout is not 0 and not 1)
        {
            OnnxThrow.Fail($"{where}: attribute 'layout' must be 0 or 1; got {layout}.");
        }

        string directionText = attributes.String("direction") ?? "forward";
        OnnxDirection direction = directionText switch
        {
            "forward" => OnnxDirection.Forward,
            "reverse" => OnnxDirection.Reverse,
            "bidirectional" => OnnxDirection.Bidirectional,
            _ => throw OnnxThrow.Format($"{where}: attribute 'direction' must be forward, reverse or bidirectional; got {OnnxThrow.Quote(directionText)}."),
        };
        int directions = direction == OnnxDirection.Bidirectional ? 2 : 1;

        long linearBeforeReset = gru ? attributes.Int("linear_before_reset", 0) : 1;
        if (linearBeforeReset is not 0 and not 1)
        {
            OnnxThrow.Fail($"{where}: attribute 'linear_before_reset' must be 0 or 1; got {linearBeforeReset}.");
        }

        CellKind cell = lstm ? CellKind.Lstm : gru ? CellKind.Gru : RnnCell(attributes, directions, where);
        if (lstm || gru)
        {
            CheckActivations(attributes, directions, lstm ? ["Sigmoid", "Tanh", "Tanh"] : ["Sigmoid", "Tanh"], where);
        }

        int gates = GateOrder.Count(cell);
        OnnxTensor w = RequireConstant(constantInput(1), "W", where);
        OnnxTensor r = RequireConstant(constantInput(2), "R", where);
        OnnxTensor? b = OptionalConstant(node, constantInput, 3, "B", where);
        OnnxTensor? p = lstm ? OptionalConstant(node, constantInput, 7, "P", where) : null;

        if (w.Shape.Length != 3 || w.Shape[0] != directions || w.Shape[1] % gates != 0 || w.Shape[1] == 0 || w.Shape[2] == 0)
        {
            OnnxThrow.Fail($"{where}: input W must be ({directions}, {gates}·hidden_size, input_size); got {w.ShapeText}.");
        }

        int hidden = w.Shape[1] / gates;
        int inputSize = w.Shape[2];
        long declaredHidden = attributes.Int("hidden_size", hidden);
        if (declaredHidden != hidden)
        {
            OnnxThrow.Fail($"{where}: attribute 'hidden_size' = {declaredHidden}, but W {w.ShapeText} holds {gates} gates of {hidden} rows.");
        }

        CheckShape(r, "R", where, directions, gates * hidden, hidden);
        if (b is not null)
        {
            CheckShape(b, "B", where, directions, 2 * gates * hidden);
        }

        if (p is not null)
        {
            CheckShape(p, "P", where, directions, 3 * hidden);
        }

        var options = new RecurrentOptions
        {
            Cell = cell,
            InputSize = inputSize,
            HiddenSize = hidden,
            Bidirectional = directions == 2,
            Peephole = p is not null,
            GruLinearBeforeReset = linearBeforeReset == 1 || !gru,
            Bias = b is not null,
        };
        RecurrentLayer layer;
        try
        {
            layer = new RecurrentLayer(options);
        }
        catch (ArgumentException e)
        {
            throw new ModelFormatException($"ONNX: {where}: the weights describe a layer FastLstm cannot build: {e.Message}", e);
        }

        int gatesHidden = gates * hidden;
        for (int d = 0; d < directions; d++)
        {
            string suffix = "_l0" + (d == 1 ? "_reverse" : "");
            ParameterList parameters = layer.Parameters;
            OnnxGateOrder.FromOnnx(
                cell, w.Floats!.AsSpan(d * gatesHidden * inputSize, gatesHidden * inputSize), parameters["weight_ih" + suffix].Values, hidden, inputSize);
            OnnxGateOrder.FromOnnx(
                cell, r.Floats!.AsSpan(d * gatesHidden * hidden, gatesHidden * hidden), parameters["weight_hh" + suffix].Values, hidden, hidden);
            if (b is not null)
            {
                OnnxGateOrder.FromOnnx(cell, b.Floats!.AsSpan(2 * d * gatesHidden, gatesHidden), parameters["bias_ih" + suffix].Values, hidden, 1);
                OnnxGateOrder.FromOnnx(
                    cell, b.Floats!.AsSpan(((2 * d) + 1) * gatesHidden, gatesHidden), parameters["bias_hh" + suffix].Values, hidden, 1);
            }

            if (p is not null)
            {
                OnnxGateOrder.PeepholeFromOnnx(p.Floats!.AsSpan(d * 3 * hidden, 3 * hidden), parameters["weight_peephole" + suffix].Values, hidden);
            }
        }

        layer.Parameters.MarkChanged();
        return new RecurrentNode(layer, direction, layout == 1, node.OpType);
    }

    /// <summary>Runs the node: X and the optional sequence_lens, initial_h, initial_c; returns Y, Y_h, Y_c (null where not wanted).</summary>
    public OnnxTensor?[] Run(OpNode node, OnnxTensor?[] inputs)
    {
        string where = node.Label;
        OnnxTensor x = inputs[0] ?? throw OnnxThrow.Format($"{where}: input X is missing.");
        RequireFloat(x, "X", where);
        if (x.Shape.Length != 3)
        {
            OnnxThrow.Fail($"{where}: input X must have rank 3; got {x.ShapeText}.");
        }

        int steps = BatchFirst ? x.Shape[1] : x.Shape[0];
        int batch = BatchFirst ? x.Shape[0] : x.Shape[1];
        int inputSize = Layer.Options.InputSize;
        if (x.Shape[2] != inputSize)
        {
            OnnxThrow.Fail($"{where}: input X has {x.Shape[2]} features per step; W needs input_size = {inputSize}.");
        }

        if (steps < 1 || batch < 1)
        {
            OnnxThrow.Fail($"{where}: input X {x.ShapeText} is empty; sequence length and batch size must be at least 1.");
        }

        int hidden = Hidden;
        int directions = Directions;
        float[] timeMajor = BatchFirst ? SwapLeadingAxes(x.Floats!, batch, steps, inputSize) : x.Floats!;
        int[] lengths = Lengths(inputs.Length > 4 ? inputs[4] : null, steps, batch, where);
        float[] h0 = State(inputs.Length > 5 ? inputs[5] : null, "initial_h", batch, where);
        float[] c0 = Layer.Options.HasCellState ? State(inputs.Length > 6 ? inputs[6] : null, "initial_c", batch, where) : [];
        int rowWidth = Layer.Options.OutputSize;
        Shapes.Count([steps, batch, directions, GateOrder.Count(Layer.Options.Cell) * hidden], where);

        if (Direction == OnnxDirection.Reverse)
        {
            timeMajor = ReverseWithinLengths(timeMajor, steps, batch, inputSize, lengths);
        }

        RecurrentWorkspace workspace = Layer.CreateWorkspace();
        Layer.Forward(workspace, timeMajor, steps, batch, lengths, h0, c0);
        float[] output = workspace.Output.ToArray(); // (T, B, D·H)
        if (Direction == OnnxDirection.Reverse)
        {
            output = ReverseWithinLengths(output, steps, batch, rowWidth, lengths);
        }

        var results = new OnnxTensor?[3];
        if (node.WantsOutput(0))
        {
            // Ours (T, B, D·H) → ONNX (T, D, B, H), or (B, T, D, H) with layout = 1.
            var y = new float[output.Length];
            for (int t = 0; t < steps; t++)
            {
                for (int b = 0; b < batch; b++)
                {
                    for (int d = 0; d < directions; d++)
                    {
                        int target = BatchFirst ? (((((b * steps) + t) * directions) + d) * hidden) : (((((t * directions) + d) * batch) + b) * hidden);
                        Array.Copy(output, (((t * batch) + b) * rowWidth) + (d * hidden), y, target, hidden);
                    }
                }
            }

            results[0] = OnnxTensor.Float(BatchFirst ? [batch, steps, directions, hidden] : [steps, directions, batch, hidden], y);
        }

        if (node.WantsOutput(1))
        {
            results[1] = StateOutput(workspace.FinalHidden, batch);
        }

        if (node.WantsOutput(2) && Layer.Options.HasCellState)
        {
            results[2] = StateOutput(workspace.FinalCell, batch);
        }

        return results;
    }

    private static CellKind RnnCell(NodeAttributes attributes, int directions, string where)
    {
        string[] activations = attributes.Strings("activations") ?? [];
        if (activations.Length == 0)
        {
            return CellKind.RnnTanh;
        }

        if (activations.Length != directions)
        {
            OnnxThrow.Fail($"{where}: attribute 'activations' must list {directions} function(s); got {activations.Length}.");
        }

        string first = activations[0];
        foreach (string activation in activations)
        {
            if (!string.Equals(activation, first, StringComparison.OrdinalIgnoreCase))
            {
                OnnxThrow.Fail($"{where}: attribute 'activations' = [{string.Join(", ", activations)}]: both directions must use the same function.");
            }
        }

        return first.ToUpperInvariant() switch
        {
            "TANH" => CellKind.RnnTanh,
            "RELU" => CellKind.RnnRelu,
            _ => throw OnnxThrow.Format($"{where}: attribute 'activations' = [{string.Join(", ", activations)}] is not supported; an RNN runs Tanh or Relu."),
        };
    }

    private static void CheckActivations(NodeAttributes attributes, int directions, string[] defaults, string where)
    {
        string[]? activations = attributes.Strings("activations");
        if (activations is null)
        {
            return;
        }

        bool ok = activations.Length == defaults.Length * directions;
        for (int i = 0; ok && i < activations.Length; i++)
        {
            ok = string.Equals(activations[i], defaults[i % defaults.Length], StringComparison.OrdinalIgnoreCase);
        }

        if (!ok)
        {
            OnnxThrow.Fail(
                $"{where}: attribute 'activations' = [{string.Join(", ", activations)}] is not supported; only the defaults " +
                $"[{string.Join(", ", defaults)}] per direction are.");
        }
    }

    private static OnnxTensor RequireConstant(OnnxTensor? tensor, string name, string where)
    {
        if (tensor is null)
        {
            OnnxThrow.Fail($"{where}: input {name} must be a constant (an initializer or computed from initializers only).");
        }

        RequireFloat(tensor, name, where);
        return tensor;
    }

    private static OnnxTensor? OptionalConstant(OpNode node, Func<int, OnnxTensor?> constantInput, int index, string name, string where) =>
        node.Input(index).Length == 0 ? null : RequireConstant(constantInput(index), name, where);

    private static void RequireFloat(OnnxTensor tensor, string name, string where)
    {
        if (tensor.ElementType != OnnxElementType.Float)
        {
            OnnxThrow.Fail($"{where}: input {name} must hold floats; it holds {tensor.ElementType}.");
        }
    }

    private static void CheckShape(OnnxTensor tensor, string name, string where, params int[] expected)
    {
        if (!tensor.Shape.SequenceEqual(expected))
        {
            OnnxThrow.Fail($"{where}: input {name} must have shape {Shapes.Text(expected)}; got {tensor.ShapeText}.");
        }
    }

    private static int[] Lengths(OnnxTensor? tensor, int steps, int batch, string where)
    {
        if (tensor is null)
        {
            return [];
        }

        if (tensor.Integers is null || tensor.Shape.Length != 1 || tensor.Shape[0] != batch)
        {
            OnnxThrow.Fail($"{where}: input sequence_lens must be {batch} integers; got {tensor.ElementType} {tensor.ShapeText}.");
        }

        var lengths = new int[batch];
        for (int b = 0; b < batch; b++)
        {
            long length = tensor.Integers[b];
            if (length < 0 || length > steps)
            {
                OnnxThrow.Fail($"{where}: sequence_lens[{b}] = {length} is outside [0, {steps}].");
            }

            lengths[b] = (int)length;
        }

        return lengths;
    }

    /// <summary>An initial state in FastLstm's (D, B, H) layout, or empty for zeros.</summary>
    private float[] State(OnnxTensor? tensor, string name, int batch, string where)
    {
        if (tensor is null)
        {
            return [];
        }

        RequireFloat(tensor, name, where);
        int directions = Directions;
        int[] expected = BatchFirst ? [batch, directions, Hidden] : [directions, batch, Hidden];
        CheckShape(tensor, name, where, expected);
        return BatchFirst ? SwapLeadingAxes(tensor.Floats!, batch, directions, Hidden) : tensor.Floats!;
    }

    private OnnxTensor StateOutput(ReadOnlySpan<float> state, int batch)
    {
        float[] values = state.ToArray(); // (D, B, H)
        return BatchFirst
            ? OnnxTensor.Float([batch, Directions, Hidden], SwapLeadingAxes(values, Directions, batch, Hidden))
            : OnnxTensor.Float([Directions, batch, Hidden], values);
    }

    /// <summary>(A, B, W) → (B, A, W).</summary>
    private static float[] SwapLeadingAxes(float[] source, int a, int b, int width)
    {
        var result = new float[source.Length];
        for (int i = 0; i < a; i++)
        {
            for (int j = 0; j < b; j++)
            {
                Array.Copy(source, ((i * b) + j) * width, result, ((j * a) + i) * width, width);
            }
        }

        return result;
    }

    /// <summary>(T, B, W) with each sequence b's first L_b steps reversed; steps past L_b are kept (and ignored).</summary>
    private static float[] ReverseWithinLengths(float[] source, int steps, int batch, int width, int[] lengths)
    {
        var result = new float[source.Length];
        for (int b = 0; b < batch; b++)
        {
            int length = lengths.Length == 0 ? steps : lengths[b];
            for (int t = 0; t < steps; t++)
            {
                int from = t < length ? length - 1 - t : t;
                Array.Copy(source, ((from * batch) + b) * width, result, ((t * batch) + b) * width, width);
            }
        }

        return result;
    }
}
