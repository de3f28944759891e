using System.CommandLine;
using FastLstm.Cli.Storage;
using FastLstm.Onnx;
using FastLstm.Serialization;
using FastLstm.Training;
using static FastLstm.Cli.Commands.CommonOptions;

namespace FastLstm.Cli.Commands;

/// <summary>
/// 'fastlstm export MODEL --format onnx|safetensors --out PATH': the model as ONNX (opset 17, runs in ONNX Runtime) or
/// as a safetensors state_dict with PyTorch's names ("embedding.", "rnn.", "head."). A model the format cannot hold
/// (ONNX and an LSTM projection) exits with code 2 and a one-line reason.
/// </summary>
internal sealed class ExportCommand
{
    /// <summary>The formats accepted by --format.</summary>
    public static readonly string[] Formats = ["onnx", "safetensors"];

    private readonly Argument<string> _model = ModelArgument.Create();
    private readonly Option<string> _format = Make<string>("--format", "onnx or safetensors");
    private readonly Option<string> _out = Make<string>("--out", "The file to write (replaced atomically)");

    public Command Build(CliContext context)
    {
        _format.Required = true;
        _format.AcceptOnlyFromAmong(Formats);
        _out.Required = true;
        var command = new Command("export", "Export a model file to ONNX or to safetensors (PyTorch state_dict names).")
        {
            _model, _format, _out,
        };
        command.SetAction(result => Run(context, result));
        return command;
    }

    /// <summary>The model's parameter lists keyed by the prefix a PyTorch module holding them would give.</summary>
    public static List<KeyValuePair<string, ParameterList>> Modules(RecurrentModel model)
    {
        var modules = new List<KeyValuePair<string, ParameterList>>(3);
        if (model.Embedding is { } embedding)
        {
            modules.Add(new("embedding.", embedding.Parameters));
        }

        modules.Add(new("rnn.", model.Recurrent.Parameters));
        modules.Add(new("head.", model.Head.Parameters));
        return modules;
    }

    private int Run(CliContext context, ParseResult result)
    {
        SavedModel saved = ModelArgument.Load(result.GetValue(_model)!, out string file);
        string format = result.GetValue(_format)!;
        string path = result.GetValue(_out)!;
        RecurrentModel model = saved.Model;
        if (format == "onnx")
        {
            try
            {
                OnnxExporter.Save(path, model);
            }
            catch (NotSupportedException e)
            {
                throw CliException.Usage($"{file} cannot be exported to ONNX: {e.Message}");
            }
        }
        else
        {
            var metadata = new Dictionary<string, string>
            {
                ["format"] = "pt",
                ["cell"] = Tasks.ModelSettings.CellName(model.Recurrent.Options.Cell),
                ["head"] = model.HeadMode == HeadMode.LastStep ? "last" : "every",
            };
            SafeTensors.Save(path, Modules(model), metadata);
        }

        context.Line($"{file} → {path} ({format}, {model.ParameterCount:N0} parameters)");
        return ExitCodes.Success;
    }
}
