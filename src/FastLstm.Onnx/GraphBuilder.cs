using System.Text;
using FastLstm.Onnx.Protos;
using Google.Protobuf;
using AttributeType = FastLstm.Onnx.Protos.AttributeProto.Types.AttributeType;
using DataType = FastLstm.Onnx.Protos.TensorProto.Types.DataType;

namespace FastLstm.Onnx;

/// <summary>Assembles an ONNX graph node by node: the exporter's (and the tests') way to write models.</summary>
internal sealed class GraphBuilder
{
    private int _next;

    public GraphProto Graph { get; } = new() { Name = "fastlstm" };

    /// <summary>A fresh value name with a readable stem.</summary>
    public string Name(string stem) => $"{stem}_{_next++}";

    public void Input(string name, DataType type, params object[] dims) => Graph.Input.Add(Value(name, type, dims));

    public void Output(string name, DataType type, params object[] dims) => Graph.Output.Add(Value(name, type, dims));

    public string Initializer(string name, ReadOnlySpan<float> values, params int[] shape)
    {
        Graph.Initializer.Add(TensorCodec.Encode(name, shape, values));
        return name;
    }

    public string Initializer(string name, ReadOnlySpan<long> values, params int[] shape)
    {
        Graph.Initializer.Add(TensorCodec.Encode(name, shape, values));
        return name;
    }

    /// <summary>Adds a node; attributes are (name, value) pairs with long, float, string, long[], float[], string[] or TensorProto values.</summary>
    public NodeProto Node(string opType, string[] inputs, string[] outputs, params (string Name, object Value)[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = $"{opType}_{Graph.Node.Count}" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        foreach ((string name, object value) in attributes)
        {
            node.Attribute.Add(Attribute(name, value));
        }

        Graph.Node.Add(node);
        return node;
    }

    /// <summary>A one-output node whose output gets a fresh name, returned.</summary>
    public string Apply(string opType, string[] inputs, params (string Name, object Value)[] attributes)
    {
        string output = Name(opType.ToLowerInvariant());
        Node(opType, inputs, [output], attributes);
        return output;
    }

    public static ModelProto Model(GraphProto graph, int opset, string producer, string version)
    {
        var model = new ModelProto
        {
            // IR version 8 goes with opsets 15–17 (onnx/onnx docs/Versioning.md); ONNX Runtime reads it.
            IrVersion = 8,
            ProducerName = producer,
            ProducerVersion = version,
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model;
    }

    public static AttributeProto Attribute(string name, object value)
    {
        var attribute = new AttributeProto { Name = name };
        switch (value)
        {
            case long i:
                attribute.Type = AttributeType.Int;
                attribute.I = i;
                break;
            case int i:
                attribute.Type = AttributeType.Int;
                attribute.I = i;
                break;
            case float f:
                attribute.Type = AttributeType.Float;
                attribute.F = f;
                break;
            case string s:
                attribute.Type = AttributeType.String;
                attribute.S = ByteString.CopyFrom(Encoding.UTF8.GetBytes(s));
                break;
            case long[] ints:
                attribute.Type = AttributeType.Ints;
                attribute.Ints.AddRange(ints);
                break;
            case float[] floats:
                attribute.Type = AttributeType.Floats;
                attribute.Floats.AddRange(floats);
                break;
            case string[] strings:
                attribute.Type = AttributeType.Strings;
                foreach (string s in strings)
                {
                    attribute.Strings.Add(ByteString.CopyFrom(Encoding.UTF8.GetBytes(s)));
                }

                break;
            case TensorProto tensor:
                attribute.Type = AttributeType.Tensor;
                attribute.T = tensor;
                break;
            default:
                throw new ArgumentException($"Attribute '{name}' has an unsupported value type {value.GetType().Name}.", nameof(value));
        }

        return attribute;
    }

    /// <summary>A value info; each dimension is an int (fixed) or a string (symbolic, e.g. "batch"); no dimensions: shape unknown.</summary>
    private static ValueInfoProto Value(string name, DataType type, object[] dims)
    {
        if (dims.Length == 0)
        {
            return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type } } };
        }

        var shape = new TensorShapeProto();
        foreach (object dim in dims)
        {
            shape.Dim.Add(dim is string symbol
                ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture) });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
