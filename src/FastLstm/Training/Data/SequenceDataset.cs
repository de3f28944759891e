namespace FastLstm.Training;

/// <summary>
/// N sequences of up to T steps with their targets, stored sample-major so a shuffled mini-batch is a gather of
/// whole samples: inputs (N, T, I), targets (N, W) for many-to-one or (N, T, W) for many-to-many, optional lengths (N).
/// </summary>
/// <remarks>
/// For class targets W = 1 and each target is a class id stored as a float; for an embedding model I = 1 and each
/// input is a token id stored as a float. Values past a sequence's length are ignored (keep them finite).
/// The dataset keeps the arrays it is given (no copy); do not change them while a trainer uses it.
/// </remarks>
public sealed class SequenceDataset
{
    private readonly float[] _inputs;
    private readonly float[] _targets;
    private readonly int[]? _lengths;

    /// <summary>Wraps arrays laid out as described on the type.</summary>
    /// <param name="inputs">(N, T, I) inputs.</param>
    /// <param name="targets">(N, W) or, when <paramref name="targetsPerStep"/>, (N, T, W) targets.</param>
    /// <param name="count">N.</param>
    /// <param name="sequenceLength">T.</param>
    /// <param name="inputSize">I.</param>
    /// <param name="targetWidth">W.</param>
    /// <param name="targetsPerStep">Whether there is a target row per step (many-to-many) or per sequence.</param>
    /// <param name="lengths">N lengths in [1, T], or null when every sequence has T steps.</param>
    /// <exception cref="ArgumentException">A size is less than 1, an array's length does not fit, or a length is out of range.</exception>
    public SequenceDataset(float[] inputs, float[] targets, int count, int sequenceLength, int inputSize, int targetWidth, bool targetsPerStep, int[]? lengths = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (count < 1 || sequenceLength < 1 || inputSize < 1 || targetWidth < 1)
        {
            TrainingThrow.OutOfRange(nameof(count), $"count, sequenceLength, inputSize and targetWidth must be at least 1; got {count}, {sequenceLength}, {inputSize}, {targetWidth}.");
        }

        TrainingThrow.CheckLength(inputs, (long)count * sequenceLength * inputSize, nameof(inputs));
        TrainingThrow.CheckLength(targets, (long)count * (targetsPerStep ? sequenceLength : 1) * targetWidth, nameof(targets));
        if (lengths is not null)
        {
            TrainingThrow.CheckLength(lengths.Length, count, nameof(lengths));
            for (int n = 0; n < count; n++)
            {
                if (lengths[n] < 1 || lengths[n] > sequenceLength)
                {
                    TrainingThrow.OutOfRange(nameof(lengths), $"lengths[{n}] must be in [1, {sequenceLength}]; got {lengths[n]}.");
                }
            }
        }

        _inputs = inputs;
        _targets = targets;
        _lengths = lengths;
        Count = count;
        SequenceLength = sequenceLength;
        InputSize = inputSize;
        TargetWidth = targetWidth;
        TargetsPerStep = targetsPerStep;
    }

    /// <summary>N, the number of sequences.</summary>
    public int Count { get; }

    /// <summary>T, steps per sequence (the longest, when lengths vary).</summary>
    public int SequenceLength { get; }

    /// <summary>I, input values per step.</summary>
    public int InputSize { get; }

    /// <summary>W, target values per target row.</summary>
    public int TargetWidth { get; }

    /// <summary>Whether every step has a target row (many-to-many) rather than every sequence (many-to-one).</summary>
    public bool TargetsPerStep { get; }

    /// <summary>Whether sequences have individual lengths.</summary>
    public bool HasLengths => _lengths is not null;

    /// <summary>(N, T, I) inputs.</summary>
    public ReadOnlySpan<float> Inputs => _inputs;

    /// <summary>(N, W) or (N, T, W) targets.</summary>
    public ReadOnlySpan<float> Targets => _targets;

    /// <summary>(N) lengths, or empty when every sequence has T steps.</summary>
    public ReadOnlySpan<int> Lengths => _lengths;

    /// <summary>Target rows per sequence: T or 1.</summary>
    public int TargetRowsPerSequence => TargetsPerStep ? SequenceLength : 1;

    /// <summary>The length of sequence <paramref name="index"/>.</summary>
    public int LengthOf(int index) => _lengths is null ? SequenceLength : _lengths[index];

    /// <summary>A copy of sequences [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside the dataset or is empty.</exception>
    public SequenceDataset Slice(int start, int count)
    {
        if (start < 0 || count < 1 || start > Count - count)
        {
            TrainingThrow.OutOfRange(nameof(start), $"The range [{start}, {start + count}) must be a non-empty part of [0, {Count}).");
        }

        int inputStride = SequenceLength * InputSize;
        int targetStride = TargetRowsPerSequence * TargetWidth;
        return new SequenceDataset(
            _inputs.AsSpan(start * inputStride, count * inputStride).ToArray(),
            _targets.AsSpan(start * targetStride, count * targetStride).ToArray(),
            count, SequenceLength, InputSize, TargetWidth, TargetsPerStep,
            _lengths?.AsSpan(start, count).ToArray());
    }

    /// <summary>
    /// Splits off the last ⌈N·<paramref name="validationFraction"/>⌉ sequences as a validation set, in order and
    /// before any shuffling (Keras' validation_split), so time-ordered data keeps its most recent part for validation.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The fraction is not in (0, 1) or leaves either part empty.</exception>
    public (SequenceDataset Train, SequenceDataset Validation) SplitLast(double validationFraction)
    {
        if (!(validationFraction > 0 && validationFraction < 1))
        {
            TrainingThrow.OutOfRange(nameof(validationFraction), $"validationFraction must be in (0, 1); got {validationFraction}.");
        }

        int validation = (int)Math.Ceiling(Count * validationFraction);
        if (validation >= Count)
        {
            TrainingThrow.OutOfRange(nameof(validationFraction), $"A fraction of {validationFraction} of {Count} sequences leaves no training data.");
        }

        return (Slice(0, Count - validation), Slice(Count - validation, validation));
    }
}
