namespace FastLstm.Onnx;

/// <summary>
/// The operators an imported graph may hold: the recurrent ones, run by FastLstm layers, and the plain ones a real
/// export puts around them (PyTorch's exporter: Transpose/Squeeze/Reshape/Slice/Concat/Gather/Unsqueeze around the
/// recurrent nodes, Gemm or MatMul + Add for a head). Each checks its attributes when the model loads and its
/// inputs when it runs; anything else is rejected by name, never approximated.
/// </summary>
/// <remarks>Semantics follow the ONNX operator specification (onnx/onnx docs/Operators.md) for opsets 7 to 24.</remarks>
internal static partial class Operators
{
    /// <summary>Every supported op_type of the default domain.</summary>
    public static readonly string[] Supported =
    [
        "LSTM", "GRU", "RNN",
        "Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Relu", "Tanh", "Sigmoid", "Softmax", "LogSoftmax",
        "Identity", "Dropout", "Constant", "ConstantOfShape", "Shape", "Cast",
        "Transpose", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Slice", "Concat", "Gather", "Expand",
    ];

    /// <summary>Whether the node's outputs may be computed at load time when all its inputs are constants.</summary>
    public static bool CanFold(OpNode node) => node.Recurrent is null;

    /// <summary>Checks a node's attributes (and builds its FastLstm layer) when the model loads.</summary>
    /// <param name="node">The node.</param>
    /// <param name="constantInput">The constant value of input i, or null when it is computed at run time or absent.</param>
    public static void Prepare(OpNode node, Func<int, OnnxTensor?> constantInput)
    {
        NodeAttributes a = node.Attributes;
        (int maxInputs, int maxOutputs) = Arity(node.OpType);
        if (node.Inputs.Length > maxInputs || node.Outputs.Length > maxOutputs)
        {
            OnnxThrow.Fail(
                $"{node.Label}: has {node.Inputs.Length} inputs and {node.Outputs.Length} outputs; the operator takes at most " +
                $"{maxInputs} and {maxOutputs}.");
        }

        switch (node.OpType)
        {
            case "LSTM":
            case "GRU":
            case "RNN":
                node.Recurrent = RecurrentNode.Build(node, constantInput);
                break;
            case "Gemm":
                a.Allow("alpha", "beta", "transA", "transB");
                node.Dense = GemmAsDense(node, constantInput);
                break;
            case "MatMul":
                a.Allow();
                node.Dense = MatMulAsDense(node, constantInput);
                break;
            case "Softmax":
            case "LogSoftmax":
            case "Concat":
            case "Gather":
            case "Flatten":
                a.Allow("axis");
                break;
            case "Transpose":
                a.Allow("perm");
                break;
            case "Squeeze":
            case "Unsqueeze":
                a.Allow("axes");
                break;
            case "Slice":
                a.Allow("starts", "ends", "axes");
                break;
            case "Reshape":
                a.Allow("allowzero");
                break;
            case "Shape":
                a.Allow("start", "end");
                break;
            case "Cast":
                a.Allow("to", "saturate");
                long to = a.Int("to", -1);
                if (to is not (1 or 6 or 7))
                {
                    OnnxThrow.Fail($"{node.Label}: attribute 'to' = {to} is not supported; Cast converts to FLOAT (1), INT32 (6) or INT64 (7).");
                }

                break;
            case "Dropout":
                a.Allow("ratio", "seed");
                if (node.WantsOutput(1))
                {
                    OnnxThrow.Fail($"{node.Label}: its mask output is used; only inference (the data output) is supported.");
                }

                if (node.Input(2).Length > 0 && !IsConstantFalse(constantInput(2)))
                {
                    OnnxThrow.Fail($"{node.Label}: input training_mode must be a constant false; only inference is supported.");
                }

                break;
            case "Constant":
                a.Allow("value", "value_float", "value_floats", "value_int", "value_ints");
                break;
            case "ConstantOfShape":
                a.Allow("value");
                break;
            default:
                a.Allow();
                break;
        }
    }

    /// <summary>Runs a node on its input values (null where an optional input is absent); returns one value per output.</summary>
    public static OnnxTensor?[] Run(OpNode node, OnnxTensor?[] inputs)
    {
        if (node.Recurrent is not null)
        {
            return node.Recurrent.Run(node, inputs);
        }

        OnnxTensor result = node.OpType switch
        {
            "Gemm" => Gemm(node, inputs),
            "MatMul" => MatMul(node, inputs),
            "Add" or "Sub" or "Mul" or "Div" => Binary(node, Required(node, inputs, 0), Required(node, inputs, 1)),
            "Relu" or "Tanh" or "Sigmoid" => Unary(node, Required(node, inputs, 0)),
            "Softmax" or "LogSoftmax" => Softmax(node, Required(node, inputs, 0)),
            "Identity" or "Dropout" => Required(node, inputs, 0),
            "Constant" => Constant(node),
            "ConstantOfShape" => ConstantOfShape(node, Required(node, inputs, 0)),
            "Shape" => Shape(node, Required(node, inputs, 0)),
            "Cast" => Cast(node, Required(node, inputs, 0)),
            "Transpose" => Transpose(node, Required(node, inputs, 0)),
            "Reshape" => Reshape(node, Required(node, inputs, 0), Required(node, inputs, 1)),
            "Flatten" => Flatten(node, Required(node, inputs, 0)),
            "Squeeze" => Squeeze(node, Required(node, inputs, 0), Optional(inputs, 1)),
            "Unsqueeze" => Unsqueeze(node, Required(node, inputs, 0), Optional(inputs, 1)),
            "Slice" => Slice(node, inputs),
            "Concat" => Concat(node, inputs),
            "Gather" => Gather(node, Required(node, inputs, 0), Required(node, inputs, 1)),
            "Expand" => Expand(node, Required(node, inputs, 0), Required(node, inputs, 1)),
            _ => throw OnnxThrow.Format($"{node.Label}: operator {OnnxThrow.Quote(node.OpType)} is not supported."),
        };
        return [result];
    }

    private static bool IsConstantFalse(OnnxTensor? tensor) =>
        tensor is { Length: 1 } && (tensor.Floats is { } f ? f[0] == 0f : tensor.Integers![0] == 0);

    /// <summary>The most inputs and outputs each operator takes (extra ones would otherwise be ignored silently).</summary>
    private static (int Inputs, int Outputs) Arity(string opType) => opType switch
    {
        "LSTM" => (8, 3),
        "GRU" or "RNN" => (6, 2),
        "Gemm" => (3, 1),
        "Slice" => (5, 1),
        "Dropout" => (3, 2),
        "Concat" => (int.MaxValue, 1),
        "Constant" => (0, 1),
        "MatMul" or "Add" or "Sub" or "Mul" or "Div" or "Reshape" or "Squeeze" or "Unsqueeze" or "Gather" or "Expand" => (2, 1),
        _ => (1, 1),
    };

    private static OnnxTensor Required(OpNode node, OnnxTensor?[] inputs, int index) =>
        Optional(inputs, index) ?? throw OnnxThrow.Format($"{node.Label}: required input {index} is missing.");

    private static OnnxTensor? Optional(OnnxTensor?[] inputs, int index) => index < inputs.Length ? inputs[index] : null;

    private static float[] Floats(OpNode node, OnnxTensor tensor, string what) =>
        tensor.Floats ?? throw OnnxThrow.Format($"{node.Label}: {what} must hold floats; it holds {tensor.ElementType}.");

    private static long[] Integers(OpNode node, OnnxTensor tensor, string what) =>
        tensor.Integers ?? throw OnnxThrow.Format($"{node.Label}: {what} must hold integers; it holds {tensor.ElementType}.");

    /// <summary>A 1-D integer tensor's values (axes, shapes, starts…), or the attribute's when the input is absent.</summary>
    private static long[]? IntList(OpNode node, OnnxTensor? tensor, string what)
    {
        if (tensor is null)
        {
            return null;
        }

        long[] values = Integers(node, tensor, what);
        if (tensor.Shape.Length > 1)
        {
            OnnxThrow.Fail($"{node.Label}: {what} must be a 1-D list; got shape {tensor.ShapeText}.");
        }

        return values;
    }

    /// <summary>A new tensor of <paramref name="source"/>'s type whose element i is source[map[i]].</summary>
    private static OnnxTensor Remap(OnnxTensor source, int[] shape, int[] map)
    {
        if (source.Floats is { } floats)
        {
            var values = new float[map.Length];
            for (int i = 0; i < map.Length; i++)
            {
                values[i] = floats[map[i]];
            }

            return OnnxTensor.Float(shape, values);
        }

        long[] integers = source.Integers!;
        var ints = new long[map.Length];
        for (int i = 0; i < map.Length; i++)
        {
            ints[i] = integers[map[i]];
        }

        return OnnxTensor.Integer(source.ElementType, shape, ints);
    }

    /// <summary>The same values under another shape (element counts already checked equal).</summary>
    private static OnnxTensor WithShape(OnnxTensor source, int[] shape) => source.Floats is { } floats
        ? OnnxTensor.Float(shape, floats)
        : OnnxTensor.Integer(source.ElementType, shape, source.Integers!);
}
