using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using FastLstm.Cli.Reporting;
using FastLstm.Cli.Tasks;
using FastLstm.Onnx;
using FastLstm.Serialization;
using FastLstm.Training;
using static FastLstm.Cli.Commands.CommonOptions;

namespace FastLstm.Cli.Commands;

/// <summary>
/// 'fastlstm import FILE --out model.fastlstm': a model file from weights trained elsewhere. A .safetensors state_dict
/// holds no architecture, so --cell names the cell and the rest is read off tensor names and shapes ("rnn." or no
/// prefix, "head.", optional "embedding."). An .onnx file becomes a model when its graph holds one recurrent node and a
/// Gemm head; anything else is refused with one line saying what the graph holds.
/// </summary>
internal sealed partial class ImportCommand
{
    private readonly Argument<string> _file = new("file") { Description = "A .safetensors or .onnx file" };
    private readonly Option<string> _out = Make<string>("--out", "The model file to write");
    private readonly Option<string?> _cell = Make<string?>("--cell", "safetensors: the cell the weights belong to (rnn, rnn-relu, lstm, gru)");
    private readonly Option<string> _head = Defaulted("--head", "safetensors: which steps the head reads: last or every", "last");

    public Command Build(CliContext context)
    {
        _out.Required = true;
        _cell.AcceptOnlyFromAmong(ModelSettings.CellNames);
        _head.AcceptOnlyFromAmong("last", "every");
        var command = new Command("import", "Make a model file from a PyTorch-style .safetensors state_dict (with --cell) or an .onnx model.")
        {
            _file, _out, _cell, _head,
        };
        command.SetAction(result => Run(context, result));
        return command;
    }

    private int Run(CliContext context, ParseResult result)
    {
        string file = result.GetValue(_file)!;
        string output = result.GetValue(_out)!;
        if (Directory.Exists(file))
        {
            throw new InvalidDataException($"{file} is a directory, not a .safetensors or .onnx file.");
        }

        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"no file at {file}.", file);
        }

        string extension = Path.GetExtension(file).ToLowerInvariant();
        RecurrentModel model = extension switch
        {
            ".safetensors" => FromSafeTensors(file, result.GetValue(_cell) ?? throw CliException.Usage("importing safetensors needs --cell (rnn, rnn-relu, lstm or gru): the file holds no architecture."),
                result.GetValue(_head) == "every" ? HeadMode.EveryStep : HeadMode.LastStep),
            ".onnx" => FromOnnx(file),
            _ => throw CliException.Usage($"cannot import '{extension}' files: give a .safetensors or an .onnx file."),
        };

        ModelFile.Save(output, new ModelFile
        {
            Model = model,
            Metadata = new Dictionary<string, string> { ["task"] = "imported", ["source"] = file },
        });
        RecurrentOptions o = model.Recurrent.Options;
        context.Line(string.Create(CultureInfo.InvariantCulture,
            $"{file} → {RunFolder.Show(output)}: {ModelSettings.CellName(o.Cell)}, input {o.InputSize}, hidden {o.HiddenSize}, layers {o.NumLayers}{(o.Bidirectional ? ", bidirectional" : "")}, output {model.OutputSize}, {model.ParameterCount:N0} parameters"));
        return ExitCodes.Success;
    }

    /// <summary>Infers the architecture from the tensors' names and shapes, builds the model and loads the file into it strictly.</summary>
    private static RecurrentModel FromSafeTensors(string path, string cellName, HeadMode head)
    {
        CellKind cell = ModelSettings.ParseCell(cellName);
        SafeTensorsFile file = SafeTensorsFile.Read(path);
        string prefix = file.TryGetTensor("rnn.weight_ih_l0", out _) ? "rnn." : "";
        SafeTensor weightIh = Tensor(file, prefix + "weight_ih_l0", path);
        SafeTensor weightHh = Tensor(file, prefix + "weight_hh_l0", path);
        SafeTensor headWeight = Tensor(file, "head.weight", path, " (the model's dense head; a file without one cannot become a model)");
        int gates = cell switch { CellKind.Lstm => 4, CellKind.Gru => 3, _ => 1 };
        if (weightHh.Shape.Length != 2 || weightHh.Shape[0] % gates != 0 || weightIh.Shape.Length != 2 || headWeight.Shape.Length != 2)
        {
            throw new InvalidDataException($"{path}: {prefix}weight_hh_l0 {weightHh.ShapeText} does not fit a {cellName} cell ({gates} gate(s) × hidden rows).");
        }

        int layers = 0;
        bool bidirectional = false, peephole = false, bias = false;
        foreach (SafeTensor tensor in file.Tensors)
        {
            if (!tensor.Name.StartsWith(prefix, StringComparison.Ordinal) || tensor.Name.StartsWith("head.", StringComparison.Ordinal) || tensor.Name.StartsWith("embedding.", StringComparison.Ordinal))
            {
                continue;
            }

            Match match = LayerName().Match(tensor.Name, prefix.Length);
            if (match.Success)
            {
                layers = Math.Max(layers, int.Parse(match.Groups["layer"].ValueSpan, CultureInfo.InvariantCulture) + 1);
                bidirectional |= match.Groups["reverse"].Success;
                peephole |= match.Groups["name"].ValueSpan is "weight_peephole";
                bias |= match.Groups["name"].ValueSpan is "bias_ih";
            }
        }

        int projection = file.TryGetTensor(prefix + "weight_hr_l0", out SafeTensor? hr) ? hr.Shape[0] : 0;
        var options = new RecurrentOptions
        {
            Cell = cell,
            InputSize = weightIh.Shape[1],
            HiddenSize = weightHh.Shape[0] / gates,
            NumLayers = layers,
            Bidirectional = bidirectional,
            ProjectionSize = projection,
            Peephole = peephole,
            Bias = bias,
        };
        int vocabulary = file.TryGetTensor("embedding.weight", out SafeTensor? embedding) && embedding.Shape.Length == 2 ? embedding.Shape[0] : 0;
        RecurrentModel model = Build(options, headWeight.Shape[0], head, vocabulary, path);
        List<KeyValuePair<string, ParameterList>> modules = ExportCommand.Modules(model);
        if (prefix.Length == 0)
        {
            modules[^2] = new("", model.Recurrent.Parameters);
        }

        SafeTensors.LoadInto(file, modules, strict: true);
        return model;
    }

    /// <summary>Builds the model from a graph of one recurrent node and a Gemm head, copying the weights by name.</summary>
    private static RecurrentModel FromOnnx(string path)
    {
        OnnxModel onnx = OnnxModel.Load(path);
        IReadOnlyList<OnnxRecurrentNode> recurrent = onnx.RecurrentNodes;
        IReadOnlyList<OnnxDenseNode> dense = onnx.DenseNodes;
        string holds = $"the graph holds {recurrent.Count} recurrent node(s) and {dense.Count} dense node(s); only one recurrent node with a Gemm head can become a model file (the graph still runs with OnnxModel.Run in code).";
        if (recurrent.Count != 1 || dense.Count > 1)
        {
            throw CliException.BadFile($"{path}: {holds}");
        }

        if (dense.Count == 0)
        {
            throw CliException.BadFile($"{path}: the graph has no dense head (Gemm or MatMul with constant weights); a model file needs one.");
        }

        if (onnx.Inputs.Any(i => i.ElementType != OnnxElementType.Float && i.Name != "sequence_lens"))
        {
            throw CliException.BadFile($"{path}: the graph reads integer inputs (an embedding in front); only models that read feature vectors can be imported from ONNX.");
        }

        OnnxRecurrentNode node = recurrent[0];
        OnnxDenseNode headNode = dense[0];
        if (node.Direction == OnnxDirection.Reverse)
        {
            throw CliException.BadFile($"{path}: the {node.OperatorType} node runs in reverse only; FastLstm model files hold forward or bidirectional stacks.");
        }

        if (headNode.OperatorType != "Gemm")
        {
            // The exporter writes an every-step head as MatMul + Add: the bias lives in the Add, which OnnxModel does not expose.
            throw CliException.BadFile($"{path}: the head is a {headNode.OperatorType} (an every-step head, its bias in a separate Add); only a Gemm head on the last step can be imported from ONNX; use safetensors instead.");
        }

        RecurrentOptions options = node.Layer.Options with { Dropout = 0f };
        Dense source = headNode.Layer;
        RecurrentModel model = Build(options, source.OutputSize, HeadMode.LastStep, 0, path);
        if (source.InputSize != model.Head.InputSize)
        {
            throw CliException.BadFile($"{path}: the Gemm head reads {source.InputSize} features; the {node.OperatorType} node gives {model.Head.InputSize}.");
        }

        foreach (Parameter p in model.Recurrent.Parameters)
        {
            p.CopyFrom(node.Layer.Parameters[p.Name].Values, p.Shape);
        }

        foreach (Parameter p in model.Head.Parameters)
        {
            if (source.Parameters.TryGet(p.Name, out Parameter? q))
            {
                p.CopyFrom(q.Values, q.Shape);
            }
            else
            {
                p.Values.Clear(); // A Gemm without C: no bias.
                model.Head.Parameters.MarkChanged();
            }
        }

        return model;
    }

    private static RecurrentModel Build(RecurrentOptions options, int outputSize, HeadMode head, int vocabulary, string path)
    {
        try
        {
            return new RecurrentModel(options, outputSize, head, vocabulary);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: the tensors describe no valid model: {e.Message.Split(" (Parameter")[0]}", e);
        }
    }

    private static SafeTensor Tensor(SafeTensorsFile file, string name, string path, string why = "") =>
        file.TryGetTensor(name, out SafeTensor? tensor) ? tensor : throw new InvalidDataException($"{path} has no tensor '{name}'{why}.");

    [GeneratedRegex(@"\G(?<name>weight_ih|weight_hh|bias_ih|bias_hh|weight_hr|weight_peephole)_l(?<layer>\d{1,4})(?<reverse>_reverse)?$", RegexOptions.CultureInvariant)]
    private static partial Regex LayerName();
}
