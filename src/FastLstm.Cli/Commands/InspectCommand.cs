using System.CommandLine;
using System.Globalization;
using FastLstm.Cli.Reporting;
using FastLstm.Cli.Storage;
using FastLstm.Training;
using Spectre.Console;

namespace FastLstm.Cli.Commands;

/// <summary>
/// 'fastlstm inspect MODEL': architecture, parameters by PyTorch name with shapes and counts, data statistics, the
/// stored metadata and the training history. A damaged or foreign file exits with code 3 and a one-line reason.
/// </summary>
internal sealed class InspectCommand
{
    private const int HistoryRows = 15;

    private readonly Argument<string> _model = ModelArgument.Create();

    public Command Build(CliContext context)
    {
        var command = new Command("inspect", "Show a model file: architecture, parameter counts by PyTorch name, data statistics, metadata and training history.")
        {
            _model,
        };
        command.SetAction(result => Run(context, result));
        return command;
    }

    private int Run(CliContext context, ParseResult result)
    {
        SavedModel saved = ModelArgument.Load(result.GetValue(_model)!, out string file);
        RecurrentModel model = saved.Model;
        RecurrentOptions o = model.Recurrent.Options;
        context.Line($"{RunFolder.Show(file)}: {saved.Get("task") ?? "model"}, {new FileInfo(file).Length:N0} bytes");
        context.Line(string.Create(CultureInfo.InvariantCulture,
            $"  {(model.Embedding is { } e ? $"embedding {e.VocabularySize} × {e.EmbeddingSize} → " : $"input {o.InputSize} → ")}{o.Cell} (layers {o.NumLayers}, hidden {o.HiddenSize}, {(o.Bidirectional ? "bidirectional" : "one direction")}{(o.ProjectionSize > 0 ? $", projection {o.ProjectionSize}" : "")}{(o.Peephole ? ", peephole" : "")}{(o.Dropout > 0 ? $", dropout {o.Dropout}" : "")}) → dense {model.Head.InputSize} → {model.OutputSize} ({(model.HeadMode == HeadMode.LastStep ? "last step" : "every step")})"));

        Table parameters = Tables.Create($"{model.ParameterCount:N0} parameters", "name (PyTorch)", "shape", "count");
        string[] prefixes = model.Embedding is null ? ["rnn.", "head."] : ["embedding.", "rnn.", "head."];
        for (int l = 0; l < model.Parameters.Count; l++)
        {
            foreach (Parameter p in model.Parameters[l])
            {
                Tables.Row(parameters, false, prefixes[l] + p.Name, p.ShapeText, p.Length.ToString("N0", CultureInfo.InvariantCulture));
            }
        }

        context.Console.Write(parameters);

        if (saved.Statistics.Count > 0 || saved.Vocabulary is not null)
        {
            Table statistics = Tables.Create("data statistics", rightAligned: false, "name", "values");
            foreach ((string name, double[] values) in saved.Statistics)
            {
                Tables.Row(statistics, false, name, string.Join(", ", values.Take(8).Select(Tables.Number)) + (values.Length > 8 ? $", … ({values.Length})" : ""));
            }

            if (saved.Vocabulary is { } vocabulary)
            {
                string shown = vocabulary.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);
                Tables.Row(statistics, false, "vocabulary", $"{vocabulary.Length} characters: {(shown.Length > 80 ? shown[..80] + "…" : shown)}");
            }

            context.Console.Write(statistics);
        }

        if (saved.Metadata.Count > 0)
        {
            Table metadata = Tables.Create("metadata", rightAligned: false, "key", "value");
            foreach ((string key, string value) in saved.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                Tables.Row(metadata, false, key, value.Length > 90 ? value[..90] + "…" : value);
            }

            context.Console.Write(metadata);
        }

        IReadOnlyList<EpochRecord> history = saved.History;
        if (history.Count > 0)
        {
            Table table = Tables.Create(history.Count > HistoryRows ? $"training history: {history.Count} epochs (one in {Every(history.Count)}, the last and the best)" : $"training history: {history.Count} epochs",
                "epoch", "train loss", "validation loss", "validation accuracy", "learning rate", "best");
            int every = Every(history.Count);
            foreach (EpochRecord epoch in history.Where((e, i) => i % every == 0 || i == history.Count - 1 || e.IsBest && e == history.Last(h => h.IsBest)))
            {
                Tables.Row(table, epoch == history.LastOrDefault(h => h.IsBest), (epoch.Epoch + 1).ToString(CultureInfo.InvariantCulture),
                    Tables.Number(epoch.Train.Loss), Tables.Number(epoch.Validation.Loss), double.IsNaN(epoch.Validation.Accuracy) ? "-" : Tables.Percent(epoch.Validation.Accuracy),
                    epoch.LearningRate.ToString("G3", CultureInfo.InvariantCulture), epoch.IsBest ? "*" : "");
            }

            context.Console.Write(table);
        }

        return ExitCodes.Success;
    }

    private static int Every(int count) => Math.Max(1, (count + HistoryRows - 1) / HistoryRows);
}
