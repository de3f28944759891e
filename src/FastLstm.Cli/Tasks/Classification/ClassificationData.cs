using FastLstm.Data;
using TrainingSet = FastLstm.Training.SequenceDataset;

namespace FastLstm.Cli.Tasks.Classification;

/// <summary>
/// Labelled sequences as the trainer wants them: texts as character ids (one per step, for an embedding model) or
/// long-format cases as scaled feature vectors, zero-padded to one length with each case's own length beside it;
/// split train / validation / test by a seeded shuffle (or by the file's split column).
/// </summary>
internal sealed class ClassificationData
{
    public required ClassificationSpec Spec { get; init; }

    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary>Text format: the characters of the training texts.</summary>
    public CharVocabulary? Vocabulary { get; init; }

    /// <summary>Long format: the feature scaler fitted on the training cases.</summary>
    public Scaler? Scaler { get; init; }

    /// <summary>Values per step: 1 (a character id) or the feature count.</summary>
    public required int InputSize { get; init; }

    /// <summary>Padded length T.</summary>
    public required int SequenceLength { get; init; }

    /// <summary>All cases, in file order.</summary>
    public required TrainingSet All { get; init; }

    /// <summary>A short name per case (its text or case id), for prediction tables.</summary>
    public required IReadOnlyList<string> Names { get; init; }

    public required int[] TrainIndices { get; init; }

    public required int[] ValidationIndices { get; init; }

    public required int[] TestIndices { get; init; }

    public TrainingSet Subset(int[] indices) => Gather(All, indices);

    /// <summary>Reads and prepares the file; a stored model passes its labels, vocabulary, scaler and length so the encoding matches training.</summary>
    public static ClassificationData Load(ClassificationSpec spec, int seed, IReadOnlyList<string>? labels = null, CharVocabulary? vocabulary = null, ScalerState? scaler = null, int? sequenceLength = null) =>
        spec.Format == "long"
            ? LoadLong(spec, seed, labels, scaler, sequenceLength)
            : LoadText(spec, seed, labels, vocabulary, sequenceLength);

    private static ClassificationData LoadText(ClassificationSpec spec, int seed, IReadOnlyList<string>? labels, CharVocabulary? vocabulary, int? sequenceLength)
    {
        LabelledTextDataset data = LabelledTextCsv.Load(spec.DataPath, new LabelledTextCsvOptions { TextColumn = spec.TextColumn, LabelColumn = spec.LabelColumn, LabelNames = labels });
        (int[] train, int[] validation, int[] test) = RandomSplit(data.Count, spec.Split, seed);
        vocabulary ??= CharVocabulary.Build(train.Select(i => data.Items[i].Text));
        int steps = sequenceLength ?? Math.Min(spec.MaxLength, data.MaxLength());
        string[] texts = [.. data.Items.Select(i => i.Text)];
        return new ClassificationData
        {
            Spec = spec,
            Labels = data.LabelNames,
            Vocabulary = vocabulary,
            InputSize = 1,
            SequenceLength = steps,
            All = EncodeTexts(texts, [.. data.Items.Select(i => i.Label)], vocabulary, steps),
            Names = texts,
            TrainIndices = train,
            ValidationIndices = validation,
            TestIndices = test,
        };
    }

    /// <summary>Texts as (N, T, 1) character ids, cut at T; an empty text reads as one unknown character.</summary>
    public static TrainingSet EncodeTexts(IReadOnlyList<string> texts, int[] labels, CharVocabulary vocabulary, int steps)
    {
        int n = texts.Count;
        var inputs = new float[n * steps];
        var lengths = new int[n];
        var targets = new float[n];
        for (int i = 0; i < n; i++)
        {
            string text = texts[i].Length > steps ? texts[i][..steps] : texts[i];
            lengths[i] = Math.Max(1, text.Length);
            for (int t = 0; t < text.Length; t++)
            {
                inputs[(i * steps) + t] = vocabulary.IdOf(text[t]);
            }

            targets[i] = labels[i];
        }

        return new TrainingSet(inputs, targets, n, steps, 1, 1, targetsPerStep: false, lengths);
    }

    private static ClassificationData LoadLong(ClassificationSpec spec, int seed, IReadOnlyList<string>? labels, ScalerState? stored, int? sequenceLength)
    {
        FastLstm.Data.SequenceDataset data = LongFormatCsv.Load(spec.DataPath, new LongFormatCsvOptions
        {
            CaseIdColumn = spec.CaseColumn,
            LabelColumn = spec.LabelColumn,
            SplitColumn = spec.SplitColumn,
            TimeColumn = spec.TimeColumn,
            LabelNames = labels,
            FeatureColumns = stored?.ColumnNames,
        });
        (int[] train, int[] validation, int[] test) = spec.SplitColumn is null ? RandomSplit(data.Count, spec.Split, seed) : FileSplit(data, seed);
        Scaler scaler = stored is not null
            ? Scaler.FromState(stored)
            : Scaler.Fit(ScalerKind.ZScore, train.Select(i => data.GetSequence(i).ToArray()), data.FeatureNames);
        int steps = sequenceLength ?? data.MaxLength;
        int features = data.Features;
        var inputs = new float[data.Count * steps * features];
        var lengths = new int[data.Count];
        var targets = new float[data.Count];
        for (int i = 0; i < data.Count; i++)
        {
            int length = Math.Min(steps, data.Lengths[i]);
            if (length < 1)
            {
                throw CliException.BadFile($"{spec.DataPath}: case '{data.CaseIds[i]}' has no rows.");
            }

            Span<float> row = inputs.AsSpan(i * steps * features, length * features);
            data.GetSequence(i)[..(length * features)].CopyTo(row);
            scaler.Transform(row);
            lengths[i] = length;
            targets[i] = data.Labels[i];
        }

        return new ClassificationData
        {
            Spec = spec,
            Labels = data.LabelNames,
            Scaler = scaler,
            InputSize = features,
            SequenceLength = steps,
            All = new TrainingSet(inputs, targets, data.Count, steps, features, 1, targetsPerStep: false, lengths),
            Names = data.CaseIds,
            TrainIndices = train,
            ValidationIndices = validation,
            TestIndices = test,
        };
    }

    /// <summary>A seeded shuffle of the cases, cut by the fractions (labelled files are often sorted by label).</summary>
    public static (int[] Train, int[] Validation, int[] Test) RandomSplit(int count, SplitFractions fractions, int seed)
    {
        int[] order = [.. Enumerable.Range(0, count)];
        new Random(seed).Shuffle(order);
        (int train, int validation, int _) = fractions.GetCounts(count);
        return (order[..train], order[train..(train + validation)], order[(train + validation)..]);
    }

    private static (int[] Train, int[] Validation, int[] Test) FileSplit(FastLstm.Data.SequenceDataset data, int seed)
    {
        int[] Of(DataSplit split) => [.. Enumerable.Range(0, data.Count).Where(i => data.Splits[i] == split)];
        int[] train = Of(DataSplit.Train);
        int[] validation = Of(DataSplit.Validation);
        if (validation.Length == 0 && train.Length > 4)
        {
            // No validation cases in the file: hold out a seeded sixth of the training cases for early stopping.
            new Random(seed).Shuffle(train);
            int held = train.Length / 6;
            validation = train[..held];
            train = train[held..];
        }

        return (train, validation, Of(DataSplit.Test));
    }

    private static TrainingSet Gather(TrainingSet all, int[] indices)
    {
        int steps = all.SequenceLength;
        int width = all.InputSize;
        var inputs = new float[indices.Length * steps * width];
        var targets = new float[indices.Length];
        var lengths = new int[indices.Length];
        for (int k = 0; k < indices.Length; k++)
        {
            int i = indices[k];
            all.Inputs.Slice(i * steps * width, steps * width).CopyTo(inputs.AsSpan(k * steps * width));
            targets[k] = all.Targets[i];
            lengths[k] = all.LengthOf(i);
        }

        return new TrainingSet(inputs, targets, indices.Length, steps, width, 1, targetsPerStep: false, lengths);
    }
}
