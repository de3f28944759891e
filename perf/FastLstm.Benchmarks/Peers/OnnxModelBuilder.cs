using FastLstm.Benchmarks.Compare;

namespace FastLstm.Benchmarks.Peers;

/// <summary>
/// Builds, in code, an ONNX model with a single LSTM, GRU or RNN node carrying a case's weights, so no model binary
/// appears from nowhere. Field numbers are those of onnx/onnx.proto (github.com/onnx/onnx, onnx/onnx.proto: ModelProto,
/// GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto, TypeProto, TensorShapeProto,
/// OperatorSetIdProto); operator semantics from the ONNX operator docs (LSTM-14, GRU-14, RNN-14).
/// </summary>
/// <remarks>
/// This is the one place in perf/ that converts FastLstm's (PyTorch's) gate order to ONNX's:
/// LSTM PyTorch i,f,g,o → ONNX i,o,f,c; GRU PyTorch r,z,n → ONNX z,r,h (with linear_before_reset = 1, PyTorch's GRU);
/// RNN has one block. ONNX wants W (1, G·H, I), R (1, G·H, H) and B (1, 2·G·H) = [Wb | Rb].
/// </remarks>
public static class OnnxModelBuilder
{
    // ModelProto
    private const int ModelIrVersion = 1;
    private const int ModelProducerName = 2;
    private const int ModelGraph = 7;
    private const int ModelOpsetImport = 8;

    // OperatorSetIdProto
    private const int OpsetDomain = 1;
    private const int OpsetVersion = 2;

    // GraphProto
    private const int GraphNode = 1;
    private const int GraphName = 2;
    private const int GraphInitializer = 5;
    private const int GraphInput = 11;
    private const int GraphOutput = 12;

    // NodeProto
    private const int NodeInput = 1;
    private const int NodeOutput = 2;
    private const int NodeName = 3;
    private const int NodeOpType = 4;
    private const int NodeAttribute = 5;

    // AttributeProto
    private const int AttributeName = 1;
    private const int AttributeInt = 3;
    private const int AttributeType = 20;
    private const int AttributeTypeInt = 2;

    // TensorProto
    private const int TensorDims = 1;
    private const int TensorDataType = 2;
    private const int TensorName = 8;
    private const int TensorRawData = 9;
    private const int DataTypeFloat = 1;

    // ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto, TensorShapeProto.Dimension
    private const int ValueInfoName = 1;
    private const int ValueInfoType = 2;
    private const int TypeTensorType = 1;
    private const int TensorTypeElemType = 1;
    private const int TensorTypeShape = 2;
    private const int ShapeDim = 1;
    private const int DimValue = 1;

    /// <summary>IR version 8 (ONNX 1.10+), which opset 14 needs at least 7 of; ONNX Runtime 1.31 reads up to 11.</summary>
    private const int IrVersion = 8;

    /// <summary>Opset 14: LSTM/GRU/RNN gained the layout attribute there; semantics otherwise as in opset 7.</summary>
    private const int OpsetVersionNumber = 14;

    /// <summary>
    /// The model of a case. A sequence case: input X (T, B, I) → outputs Y (T, 1, B, H), Y_h (1, B, H) and,
    /// for an LSTM, Y_c (1, B, H). A streaming case (T = 1): inputs X (1, B, I), initial_h (1, B, H) and, for an LSTM,
    /// initial_c (1, B, H) → outputs Y_h and Y_c, which the caller feeds back as the next step's state.
    /// </summary>
    public static byte[] Build(CaseData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        CaseDefinition c = data.Definition;
        bool lstm = c.Cell == CellKind.Lstm;
        bool streaming = c.Kind == CaseKind.Streaming;
        int gatesHidden = c.Gates * c.Hidden;
        int[] order = OnnxGateOrder(c.Cell);

        float[] w = Reorder(data.Layer("weight_ih_l0"), order, c.Hidden, c.Input);
        float[] r = Reorder(data.Layer("weight_hh_l0"), order, c.Hidden, c.Hidden);
        float[] b = [.. Reorder(data.Layer("bias_ih_l0"), order, c.Hidden, 1), .. Reorder(data.Layer("bias_hh_l0"), order, c.Hidden, 1)];

        var inputs = new List<(string Name, long[] Shape)> { ("X", [c.Steps, c.Batch, c.Input]) };
        var outputs = new List<(string Name, long[] Shape)>();
        // Node inputs: X, W, R, B, sequence_lens, initial_h, initial_c (empty name = absent).
        var nodeInputs = new List<string> { "X", "W", "R", "B" };
        // Node outputs: Y, Y_h, Y_c.
        var nodeOutputs = new List<string>();
        long[] stateShape = [1, c.Batch, c.Hidden];
        if (streaming)
        {
            nodeInputs.Add("");
            nodeInputs.Add("initial_h");
            inputs.Add(("initial_h", stateShape));
            if (lstm)
            {
                nodeInputs.Add("initial_c");
                inputs.Add(("initial_c", stateShape));
            }

            nodeOutputs.Add("");
        }
        else
        {
            nodeOutputs.Add("Y");
            outputs.Add(("Y", [c.Steps, 1, c.Batch, c.Hidden]));
        }

        nodeOutputs.Add("Y_h");
        outputs.Add(("Y_h", stateShape));
        if (lstm)
        {
            nodeOutputs.Add("Y_c");
            outputs.Add(("Y_c", stateShape));
        }

        string opType = c.Cell switch
        {
            CellKind.Lstm => "LSTM",
            CellKind.Gru => "GRU",
            _ => "RNN",
        };

        var model = new ProtobufWriter();
        model.Varint(ModelIrVersion, IrVersion);
        model.String(ModelProducerName, "FastLstm.Benchmarks OnnxModelBuilder");
        model.Message(ModelOpsetImport, opset =>
        {
            opset.String(OpsetDomain, "");
            opset.Varint(OpsetVersion, OpsetVersionNumber);
        });
        model.Message(ModelGraph, graph =>
        {
            graph.Message(GraphNode, node =>
            {
                foreach (string input in nodeInputs)
                {
                    node.String(NodeInput, input);
                }

                foreach (string output in nodeOutputs)
                {
                    node.String(NodeOutput, output);
                }

                node.String(NodeName, opType.ToLowerInvariant());
                node.String(NodeOpType, opType);
                node.Message(NodeAttribute, attribute => IntAttribute(attribute, "hidden_size", c.Hidden));
                if (c.Cell == CellKind.Gru)
                {
                    // PyTorch's GRU applies the reset gate after the recurrent product: n = tanh(Wx + b + r ⊙ (Rh + Rb)).
                    node.Message(NodeAttribute, attribute => IntAttribute(attribute, "linear_before_reset", 1));
                }
            });
            graph.String(GraphName, c.Name);
            graph.Message(GraphInitializer, t => Tensor(t, "W", [1, gatesHidden, c.Input], w));
            graph.Message(GraphInitializer, t => Tensor(t, "R", [1, gatesHidden, c.Hidden], r));
            graph.Message(GraphInitializer, t => Tensor(t, "B", [1, 2 * gatesHidden], b));
            foreach ((string name, long[] shape) in inputs)
            {
                graph.Message(GraphInput, v => ValueInfo(v, name, shape));
            }

            foreach ((string name, long[] shape) in outputs)
            {
                graph.Message(GraphOutput, v => ValueInfo(v, name, shape));
            }
        });
        return model.ToArray();
    }

    /// <summary>For each ONNX gate block k, the PyTorch block it comes from.</summary>
    private static int[] OnnxGateOrder(CellKind cell) => cell switch
    {
        CellKind.Lstm => [GateOrder.LstmInput, GateOrder.LstmOutput, GateOrder.LstmForget, GateOrder.LstmCell],
        CellKind.Gru => [GateOrder.GruUpdate, GateOrder.GruReset, GateOrder.GruNew],
        _ => [0],
    };

    /// <summary>Reorders gate blocks of H rows × <paramref name="columns"/> from PyTorch's order to ONNX's.</summary>
    private static float[] Reorder(float[] pytorch, int[] order, int hidden, int columns)
    {
        int block = hidden * columns;
        var onnx = new float[pytorch.Length];
        for (int k = 0; k < order.Length; k++)
        {
            pytorch.AsSpan(order[k] * block, block).CopyTo(onnx.AsSpan(k * block, block));
        }

        return onnx;
    }

    private static void IntAttribute(ProtobufWriter attribute, string name, long value)
    {
        attribute.String(AttributeName, name);
        attribute.Varint(AttributeType, AttributeTypeInt);
        attribute.Varint(AttributeInt, value);
    }

    private static void Tensor(ProtobufWriter tensor, string name, long[] dims, float[] values)
    {
        foreach (long d in dims)
        {
            tensor.Varint(TensorDims, d);
        }

        tensor.Varint(TensorDataType, DataTypeFloat);
        tensor.String(TensorName, name);
        tensor.FloatsAsBytes(TensorRawData, values);
    }

    private static void ValueInfo(ProtobufWriter valueInfo, string name, long[] shape)
    {
        valueInfo.String(ValueInfoName, name);
        valueInfo.Message(ValueInfoType, type => type.Message(TypeTensorType, tensorType =>
        {
            tensorType.Varint(TensorTypeElemType, DataTypeFloat);
            tensorType.Message(TensorTypeShape, s =>
            {
                foreach (long d in shape)
                {
                    s.Message(ShapeDim, dim => dim.Varint(DimValue, d));
                }
            });
        }));
    }
}
