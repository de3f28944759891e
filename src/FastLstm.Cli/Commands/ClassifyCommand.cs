using System.CommandLine;
using System.Globalization;
using System.Text;
using FastLstm.Cli.Reporting;
using FastLstm.Cli.Storage;
using FastLstm.Cli.Tasks;
using FastLstm.Cli.Tasks.Classification;
using FastLstm.Data;
using static FastLstm.Cli.Commands.CommonOptions;

namespace FastLstm.Cli.Commands;

/// <summary>'fastlstm classify MODEL': labels texts (--text) or every case of a file (--data), with accuracy when the file has labels.</summary>
internal sealed class ClassifyCommand
{
    private const int Shown = 20;

    private readonly Argument<string> _model = ModelArgument.Create();
    private readonly Option<string[]> _text = new("--text") { Description = "A text to classify (repeatable; text models)", AllowMultipleArgumentsPerToken = false };
    private readonly Option<string?> _data = Make<string?>("--data", "A file in the training format (with its label column) to classify", "-d");
    private readonly Option<string?> _out = Make<string?>("--out", "Write every prediction to this CSV file");

    public Command Build(CliContext context)
    {
        var command = new Command("classify", "Classify texts or the sequences of a file with a trained classifier.")
        {
            _model, _text, _data, _out,
        };
        command.SetAction(result => Run(context, result));
        return command;
    }

    private int Run(CliContext context, ParseResult result)
    {
        SavedModel saved = ModelArgument.Load(result.GetValue(_model)!, out _);
        ModelArgument.Task(saved, "classify", ClassificationMetadata.Task);
        string[] labels = Storage.MetadataLists.Decode(saved.Require("labels"));
        string[] texts = result.GetValue(_text) ?? [];
        string? data = result.GetValue(_data);
        if ((texts.Length == 0) == (data is null))
        {
            throw CliException.Usage("give either --text (one or more) or --data FILE.");
        }

        string[] names;
        int[] predicted;
        double[] probabilities;
        float[]? actual = null;
        if (texts.Length > 0)
        {
            if (saved.Require("format") != "text")
            {
                throw CliException.Usage("--text needs a text classifier; this model reads long-format sequences: use --data.");
            }

            var vocabulary = CharVocabulary.FromCharacters(saved.Vocabulary ?? throw new InvalidDataException("the classifier's model file has no vocabulary."));
            FastLstm.Training.SequenceDataset set = ClassificationData.EncodeTexts(texts, new int[texts.Length], vocabulary, saved.RequireInt("sequence_length"));
            (predicted, probabilities) = Classifier.Predict(saved.Model, set);
            names = texts;
        }
        else
        {
            ClassificationData prepared = ClassificationMetadata.Load(saved, data);
            (predicted, probabilities) = Classifier.Predict(saved.Model, prepared.All);
            names = [.. prepared.Names];
            actual = prepared.All.Targets.ToArray();
        }

        var table = Tables.Create(names.Length > Shown ? $"first {Shown} of {names.Length} predictions" : null, ["case", "predicted", "probability", .. actual is null ? Array.Empty<string>() : ["actual"]]);
        for (int i = 0; i < Math.Min(Shown, names.Length); i++)
        {
            string name = names[i].Length > 48 ? names[i][..45] + "..." : names[i];
            Tables.Row(table, false, [name, labels[predicted[i]], Tables.Percent(probabilities[i]), .. actual is null ? Array.Empty<string>() : [labels[(int)actual[i]]]]);
        }

        context.Console.Write(table);
        if (actual is not null)
        {
            int[,] confusion = Classifier.Confusion(labels.Length, actual, predicted);
            context.Line($"accuracy on all {names.Length} cases of {ShippedData.Show(data!)}: {Tables.Percent(Classifier.Accuracy(confusion))}");
        }

        if (result.GetValue(_out) is { } path)
        {
            var csv = new StringBuilder("case,predicted,probability" + (actual is null ? "" : ",actual") + "\n");
            for (int i = 0; i < names.Length; i++)
            {
                csv.Append(Quote(names[i])).Append(',').Append(Quote(labels[predicted[i]])).Append(',')
                    .Append(probabilities[i].ToString("0.####", CultureInfo.InvariantCulture));
                if (actual is not null)
                {
                    csv.Append(',').Append(Quote(labels[(int)actual[i]]));
                }

                csv.Append('\n');
            }

            File.WriteAllText(path, csv.ToString());
            context.Line($"predictions: {RunFolder.Show(path)}");
        }

        return ExitCodes.Success;
    }

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
