using FastLstm.Onnx.Protos;
using Google.Protobuf;

namespace FastLstm.Onnx;

/// <summary>
/// An ONNX model imported into FastLstm: its LSTM/GRU/RNN nodes become <see cref="RecurrentLayer"/>s, its Gemm/MatMul
/// heads with constant weights <see cref="Dense"/> layers, and a small runner executes the plain operators a real
/// export puts around them (see <see cref="SupportedOperators"/>).
/// </summary>
/// <remarks>
/// <para>Loading treats the file as hostile: the protobuf is parsed with its size and nesting limits, every tensor's
/// data is checked against its shape, every node's inputs must be defined before it (topological order), every
/// attribute is checked by name and type, and every tensor the runner creates stays under
/// <see cref="OnnxLimits.MaxElements"/>. Anything wrong or unsupported (an operator, an attribute such as LSTM's
/// <c>clip</c>, a data type) ends in <see cref="ModelFormatException"/> naming it; nothing is approximated.</para>
/// <para>Constant subgraphs (PyTorch exports without constant folding slice and concatenate the weights) are
/// evaluated once, at load.</para>
/// <para>Thread-safety: a loaded model may <see cref="Run"/> on several threads at once; each call allocates its own
/// buffers. For allocation-free inference, take a layer from <see cref="RecurrentNodes"/> and use it directly.</para>
/// </remarks>
public sealed class OnnxModel
{
    private const int MinOpset = 7;
    private const int MaxOpset = 24;

    private readonly OpNode[] _steps;
    private readonly Dictionary<string, OnnxTensor> _constants;
    private readonly OnnxValueInfo[] _inputs;
    private readonly OnnxValueInfo[] _outputs;
    private readonly OnnxRecurrentNode[] _recurrent;
    private readonly OnnxDenseNode[] _dense;

    private OnnxModel(
        OpNode[] steps, Dictionary<string, OnnxTensor> constants, OnnxValueInfo[] inputs, OnnxValueInfo[] outputs,
        OnnxRecurrentNode[] recurrent, OnnxDenseNode[] dense, int opset, string producer)
    {
        _steps = steps;
        _constants = constants;
        _inputs = inputs;
        _outputs = outputs;
        _recurrent = recurrent;
        _dense = dense;
        Opset = opset;
        ProducerName = producer;
    }

    /// <summary>The op_types of the default ONNX domain the importer runs.</summary>
    public static IReadOnlyList<string> SupportedOperators => Operators.Supported;

    /// <summary>The graph inputs a caller provides (initializers listed as inputs are not among them).</summary>
    public IReadOnlyList<OnnxValueInfo> Inputs => _inputs;

    /// <summary>The graph outputs <see cref="Run"/> returns.</summary>
    public IReadOnlyList<OnnxValueInfo> Outputs => _outputs;

    /// <summary>The LSTM/GRU/RNN nodes, in graph order, with the FastLstm layers that run them.</summary>
    public IReadOnlyList<OnnxRecurrentNode> RecurrentNodes => _recurrent;

    /// <summary>The Gemm/MatMul nodes with constant weights, in graph order, with the FastLstm layers that run them.</summary>
    public IReadOnlyList<OnnxDenseNode> DenseNodes => _dense;

    /// <summary>The model's version of the default ONNX operator set.</summary>
    public int Opset { get; }

    /// <summary>The producer_name field (e.g. "pytorch", "FastLstm").</summary>
    public string ProducerName { get; }

    /// <summary>Loads and checks a model file.</summary>
    /// <param name="path">An .onnx file with embedded weights.</param>
    /// <exception cref="ModelFormatException">The file is not a valid model, or uses something unsupported; the message names it.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static OnnxModel Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        return Load(stream);
    }

    /// <summary>Loads and checks a model read to the end of <paramref name="stream"/>.</summary>
    /// <exception cref="ModelFormatException">The content is not a valid model, or uses something unsupported.</exception>
    public static OnnxModel Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Load(ReadAll(stream));
    }

    /// <summary>Loads and checks a model held in memory.</summary>
    /// <exception cref="ModelFormatException">The content is not a valid model, or uses something unsupported.</exception>
    public static OnnxModel Load(ReadOnlySpan<byte> content)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(content);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelFormatException($"ONNX: the file is not a valid ONNX protobuf: {e.Message}", e);
        }

        return Compile(model);
    }

    /// <summary>
    /// Runs the model. Integer inputs may be INT64 or INT32 where the graph allows (sequence lengths, token ids).
    /// </summary>
    /// <param name="inputs">A value for every entry of <see cref="Inputs"/>, by name.</param>
    /// <returns>Every entry of <see cref="Outputs"/>, by name.</returns>
    /// <exception cref="ArgumentException">An input is missing, unknown, of the wrong element type or of a shape the model declares otherwise.</exception>
    /// <exception cref="ModelFormatException">The graph cannot compute on these inputs (shapes that do not fit inside the graph); the message names the node.</exception>
    public IReadOnlyDictionary<string, OnnxTensor> Run(IReadOnlyDictionary<string, OnnxTensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var values = new Dictionary<string, OnnxTensor>(_constants, StringComparer.Ordinal);
        foreach (string name in inputs.Keys)
        {
            if (Array.FindIndex(_inputs, i => i.Name == name) < 0)
            {
                throw new ArgumentException(
                    $"The model has no input named '{name}'; its inputs are: {string.Join(", ", Array.ConvertAll(_inputs, i => i.Name))}.", nameof(inputs));
            }
        }

        foreach (OnnxValueInfo info in _inputs)
        {
            if (!inputs.TryGetValue(info.Name, out OnnxTensor? value) || value is null)
            {
                throw new ArgumentException($"Input '{info.Name}' is missing.", nameof(inputs));
            }

            CheckInput(info, value, nameof(inputs));
            values[info.Name] = value;
        }

        foreach (OpNode node in _steps)
        {
            var arguments = new OnnxTensor?[node.Inputs.Length];
            for (int i = 0; i < arguments.Length; i++)
            {
                arguments[i] = node.Inputs[i].Length == 0 ? null : values[node.Inputs[i]];
            }

            Store(node, Operators.Run(node, arguments), values);
        }

        var results = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        foreach (OnnxValueInfo info in _outputs)
        {
            results[info.Name] = values[info.Name];
        }

        return results;
    }

    private static OnnxModel Compile(ModelProto model)
    {
        int opset = DefaultOpset(model);
        GraphProto graph = model.Graph ?? throw OnnxThrow.Format("the model has no graph.");
        if (graph.Node.Count > OnnxLimits.MaxNodes)
        {
            OnnxThrow.Fail($"the graph has {graph.Node.Count} nodes; at most {OnnxLimits.MaxNodes} are supported.");
        }

        var constants = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        foreach (TensorProto initializer in graph.Initializer)
        {
            string name = initializer.Name;
            if (name.Length == 0)
            {
                OnnxThrow.Fail("an initializer has no name.");
            }

            if (!constants.TryAdd(name, TensorCodec.Decode(initializer, $"initializer {OnnxThrow.Quote(name)}")))
            {
                OnnxThrow.Fail($"two initializers are named {OnnxThrow.Quote(name)}.");
            }
        }

        var defined = new HashSet<string>(constants.Keys, StringComparer.Ordinal);
        var inputs = new List<OnnxValueInfo>();
        foreach (ValueInfoProto input in graph.Input)
        {
            // Before IR 4 initializers were listed among the inputs too; they are constants here.
            if (constants.ContainsKey(input.Name))
            {
                continue;
            }

            if (input.Name.Length == 0 || !defined.Add(input.Name))
            {
                OnnxThrow.Fail($"graph input {OnnxThrow.Quote(input.Name)} is unnamed or defined twice.");
            }

            inputs.Add(ValueInfo(input, "graph input", required: true));
        }

        var steps = new List<OpNode>();
        var recurrent = new List<OnnxRecurrentNode>();
        var dense = new List<OnnxDenseNode>();
        for (int index = 0; index < graph.Node.Count; index++)
        {
            NodeProto proto = graph.Node[index];
            OpNode node = Node(proto, index, opset, defined);
            Operators.Prepare(node, i => node.Input(i).Length > 0 && constants.TryGetValue(node.Input(i), out OnnxTensor? c) ? c : null);
            if (node.Recurrent is { } r)
            {
                recurrent.Add(new OnnxRecurrentNode(node.Name, node.OpType, r.Layer, r.Direction, r.BatchFirst));
            }

            if (node.Dense is { } d)
            {
                dense.Add(new OnnxDenseNode(node.Name, node.OpType, d));
            }

            if (Operators.CanFold(node) && AllConstant(node, constants))
            {
                var arguments = new OnnxTensor?[node.Inputs.Length];
                for (int i = 0; i < arguments.Length; i++)
                {
                    arguments[i] = node.Inputs[i].Length == 0 ? null : constants[node.Inputs[i]];
                }

                Store(node, Operators.Run(node, arguments), constants);
            }
            else
            {
                steps.Add(node);
            }
        }

        var outputs = new List<OnnxValueInfo>();
        var outputNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (ValueInfoProto output in graph.Output)
        {
            if (!defined.Contains(output.Name) || !outputNames.Add(output.Name))
            {
                OnnxThrow.Fail($"graph output {OnnxThrow.Quote(output.Name)} is computed by no node, input or initializer, or listed twice.");
            }

            outputs.Add(ValueInfo(output, "graph output", required: false));
        }

        if (outputs.Count == 0)
        {
            OnnxThrow.Fail("the graph has no outputs.");
        }

        return new OnnxModel([.. steps], constants, [.. inputs], [.. outputs], [.. recurrent], [.. dense], opset, model.ProducerName);
    }

    private static int DefaultOpset(ModelProto model)
    {
        long? version = null;
        foreach (OperatorSetIdProto import in model.OpsetImport)
        {
            if (import.Domain is "" or "ai.onnx")
            {
                if (version is not null)
                {
                    OnnxThrow.Fail("the model imports the default operator set twice.");
                }

                version = import.Version;
            }
        }

        if (version is null)
        {
            OnnxThrow.Fail("the model imports no version of the default operator set (opset_import).");
        }

        if (version < MinOpset || version > MaxOpset)
        {
            OnnxThrow.Fail($"opset {version} is not supported; the importer reads opsets {MinOpset} to {MaxOpset}.");
        }

        return (int)version.Value;
    }

    private static OpNode Node(NodeProto proto, int index, int opset, HashSet<string> defined)
    {
        string name = proto.Name;
        string label = $"{(proto.OpType.Length == 0 ? "node" : proto.OpType + " node")} {(name.Length > 0 ? OnnxThrow.Quote(name) : "#" + index)}";
        if (proto.Domain is not ("" or "ai.onnx"))
        {
            OnnxThrow.Fail($"{label}: operator {OnnxThrow.Quote(proto.OpType)} of domain {OnnxThrow.Quote(proto.Domain)} is not supported; only the default ONNX domain is.");
        }

        if (Array.IndexOf(Operators.Supported, proto.OpType) < 0)
        {
            OnnxThrow.Fail($"{label}: operator {OnnxThrow.Quote(proto.OpType)} is not supported; supported are {string.Join(", ", Operators.Supported)}.");
        }

        string[] inputs = [.. proto.Input];
        foreach (string input in inputs)
        {
            if (input.Length > 0 && !defined.Contains(input))
            {
                OnnxThrow.Fail(
                    $"{label} reads {OnnxThrow.Quote(input)}, which no earlier node, graph input or initializer defines " +
                    "(the nodes must be in topological order).");
            }
        }

        string[] outputs = [.. proto.Output];
        if (outputs.Length == 0)
        {
            OnnxThrow.Fail($"{label} has no outputs.");
        }

        foreach (string output in outputs)
        {
            if (output.Length > 0 && !defined.Add(output))
            {
                OnnxThrow.Fail($"{label} writes {OnnxThrow.Quote(output)}, which is already defined (every value must be assigned once).");
            }
        }

        return new OpNode
        {
            OpType = proto.OpType,
            Label = label,
            Name = name,
            Inputs = inputs,
            Outputs = outputs,
            Attributes = new NodeAttributes(proto.Attribute, label),
            Opset = opset,
        };
    }

    private static bool AllConstant(OpNode node, Dictionary<string, OnnxTensor> constants)
    {
        foreach (string input in node.Inputs)
        {
            if (input.Length > 0 && !constants.ContainsKey(input))
            {
                return false;
            }
        }

        return true;
    }

    private static void Store(OpNode node, OnnxTensor?[] results, Dictionary<string, OnnxTensor> values)
    {
        for (int i = 0; i < node.Outputs.Length; i++)
        {
            if (node.Outputs[i].Length == 0)
            {
                continue;
            }

            OnnxTensor? value = i < results.Length ? results[i] : null;
            values[node.Outputs[i]] = value ?? throw OnnxThrow.Format($"{node.Label}: output {i} ({OnnxThrow.Quote(node.Outputs[i])}) is not produced by this operator.");
        }
    }

    private static OnnxValueInfo ValueInfo(ValueInfoProto proto, string what, bool required)
    {
        TypeProto.Types.Tensor? tensor = proto.Type?.TensorType;
        if (tensor is null)
        {
            if (required)
            {
                OnnxThrow.Fail($"{what} {OnnxThrow.Quote(proto.Name)} has no tensor type.");
            }

            return new OnnxValueInfo(proto.Name, OnnxElementType.Float, null);
        }

        OnnxElementType type = tensor.ElemType switch
        {
            (int)TensorProto.Types.DataType.Float => OnnxElementType.Float,
            (int)TensorProto.Types.DataType.Int64 => OnnxElementType.Int64,
            (int)TensorProto.Types.DataType.Int32 => OnnxElementType.Int32,
            _ => throw OnnxThrow.Format(
                $"{what} {OnnxThrow.Quote(proto.Name)} has element type {tensor.ElemType}; supported are FLOAT, INT64 and INT32."),
        };
        if (tensor.Shape is null)
        {
            return new OnnxValueInfo(proto.Name, type, null);
        }

        if (tensor.Shape.Dim.Count > OnnxLimits.MaxRank)
        {
            OnnxThrow.Fail($"{what} {OnnxThrow.Quote(proto.Name)} has rank {tensor.Shape.Dim.Count}; at most {OnnxLimits.MaxRank} is supported.");
        }

        var shape = new int[tensor.Shape.Dim.Count];
        for (int i = 0; i < shape.Length; i++)
        {
            TensorShapeProto.Types.Dimension dim = tensor.Shape.Dim[i];
            shape[i] = dim.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && dim.DimValue is >= 0 and <= int.MaxValue
                ? (int)dim.DimValue
                : -1;
        }

        return new OnnxValueInfo(proto.Name, type, shape);
    }

    private static void CheckInput(OnnxValueInfo info, OnnxTensor value, string paramName)
    {
        bool typeFits = info.ElementType == value.ElementType
            || (info.ElementType != OnnxElementType.Float && value.ElementType != OnnxElementType.Float);
        if (!typeFits)
        {
            throw new ArgumentException($"Input '{info.Name}' must hold {info.ElementType} values; got {value.ElementType}.", paramName);
        }

        if (info.Shape is null)
        {
            return;
        }

        bool shapeFits = info.Shape.Count == value.Shape.Length;
        for (int i = 0; shapeFits && i < info.Shape.Count; i++)
        {
            shapeFits = info.Shape[i] < 0 || info.Shape[i] == value.Shape[i];
        }

        if (!shapeFits)
        {
            string declared = "[" + string.Join(", ", info.Shape.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
            throw new ArgumentException($"Input '{info.Name}' must have shape {declared}; got {value.ShapeText}.", paramName);
        }
    }

    private static byte[] ReadAll(Stream stream)
    {
        if (stream.CanSeek && stream.Length - stream.Position > OnnxLimits.MaxFileLength)
        {
            throw OnnxThrow.Format($"the file is larger than {OnnxLimits.MaxFileLength} bytes, the protobuf limit.");
        }

        using var memory = new MemoryStream();
        var chunk = new byte[1 << 16];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (memory.Length + read > OnnxLimits.MaxFileLength)
            {
                throw OnnxThrow.Format($"the file is larger than {OnnxLimits.MaxFileLength} bytes, the protobuf limit.");
            }

            memory.Write(chunk, 0, read);
        }

        return memory.ToArray();
    }
}
