using System.Globalization;
using FastLstm.Cli.Storage;
using FastLstm.Data;

namespace FastLstm.Cli.Tasks.Classification;

/// <summary>How a classifier's spec, labels, vocabulary and scaler are kept in a model file, and read back.</summary>
internal static class ClassificationMetadata
{
    public const string Task = "classify";

    public static void Write(ClassificationData data, int seed, IDictionary<string, string> metadata, IDictionary<string, double[]> statistics)
    {
        ClassificationSpec spec = data.Spec;
        metadata["task"] = Task;
        metadata["data"] = spec.DataPath;
        metadata["format"] = spec.Format;
        metadata["label_column"] = spec.LabelColumn;
        metadata["labels"] = MetadataLists.Encode(data.Labels);
        metadata["sequence_length"] = data.SequenceLength.ToString(CultureInfo.InvariantCulture);
        metadata["split"] = string.Create(CultureInfo.InvariantCulture, $"{spec.Split.Train},{spec.Split.Validation},{spec.Split.Test}");
        metadata["split_seed"] = seed.ToString(CultureInfo.InvariantCulture);
        if (spec.Format == "text")
        {
            metadata["text_column"] = spec.TextColumn;
            metadata["embedding"] = spec.Embedding.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            metadata["case_column"] = spec.CaseColumn;
            if (spec.SplitColumn is not null)
            {
                metadata["split_column"] = spec.SplitColumn;
            }

            if (spec.TimeColumn is not null)
            {
                metadata["time_column"] = spec.TimeColumn;
            }

            metadata["feature_columns"] = MetadataLists.Encode(data.Scaler!.ColumnNames);
            statistics["scaler.offsets"] = [.. data.Scaler.State.Offsets];
            statistics["scaler.scales"] = [.. data.Scaler.State.Scales];
        }
    }

    /// <summary>Reads <paramref name="dataPath"/> (or the stored file) the way the stored classifier was trained.</summary>
    public static ClassificationData Load(SavedModel saved, string? dataPath)
    {
        double[] split = [.. saved.Require("split").Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture))];
        string format = saved.Require("format");
        var spec = new ClassificationSpec
        {
            DataPath = dataPath ?? saved.Require("data"),
            Format = format,
            TextColumn = saved.Get("text_column") ?? "text",
            LabelColumn = saved.Require("label_column"),
            CaseColumn = saved.Get("case_column") ?? "case_id",
            SplitColumn = saved.Get("split_column"),
            TimeColumn = saved.Get("time_column"),
            Split = new SplitFractions(split[0], split[1], split[2]),
        };
        string[] labels = MetadataLists.Decode(saved.Require("labels"));
        CharVocabulary? vocabulary = null;
        ScalerState? scaler = null;
        if (format == "text")
        {
            vocabulary = CharVocabulary.FromCharacters(saved.Vocabulary ?? throw new InvalidDataException("the classifier's model file has no vocabulary."));
        }
        else
        {
            scaler = new ScalerState(ScalerKind.ZScore, MetadataLists.Decode(saved.Require("feature_columns")), saved.RequireStatistics("scaler.offsets"), saved.RequireStatistics("scaler.scales"));
        }

        ClassificationData data = ClassificationData.Load(spec, saved.RequireInt("split_seed"), labels, vocabulary, scaler, saved.RequireInt("sequence_length"));
        if (saved.Model.InputSize != data.InputSize || saved.Model.OutputSize != labels.Length)
        {
            throw new InvalidDataException($"the model reads {saved.Model.InputSize} values per step and has {saved.Model.OutputSize} classes, which does not fit its metadata.");
        }

        return data;
    }
}
