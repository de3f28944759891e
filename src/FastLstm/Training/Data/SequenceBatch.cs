namespace FastLstm.Training;

/// <summary>
/// One mini-batch in the engine's time-major layout, in buffers sized once for (T, B_max) and refilled in place:
/// inputs (T, B, I), targets (B, W) or (T, B, W), lengths (B) and a row mask over the target rows.
/// </summary>
/// <remarks>Filling allocates nothing. A batch belongs to one thread.</remarks>
public sealed class SequenceBatch
{
    private readonly float[] _inputs;    // (T, B_max, I)
    private readonly float[] _targets;   // (T or 1, B_max, W)
    private readonly int[] _lengths;     // (B_max)
    private readonly bool[] _rowMask;    // (T or 1, B_max)
    private bool _hasLengths;

    /// <summary>Buffers for up to <paramref name="maxBatchSize"/> sequences of up to <paramref name="maxSequenceLength"/> steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1.</exception>
    public SequenceBatch(int maxSequenceLength, int maxBatchSize, int inputSize, int targetWidth, bool targetsPerStep)
    {
        if (maxSequenceLength < 1 || maxBatchSize < 1 || inputSize < 1 || targetWidth < 1)
        {
            TrainingThrow.OutOfRange(nameof(maxBatchSize), "Every size of a batch must be at least 1.");
        }

        MaxSequenceLength = maxSequenceLength;
        MaxBatchSize = maxBatchSize;
        InputSize = inputSize;
        TargetWidth = targetWidth;
        TargetsPerStep = targetsPerStep;
        int targetRows = (targetsPerStep ? maxSequenceLength : 1) * maxBatchSize;
        _inputs = new float[maxSequenceLength * maxBatchSize * inputSize];
        _targets = new float[targetRows * targetWidth];
        _lengths = new int[maxBatchSize];
        _rowMask = new bool[targetRows];
    }

    /// <summary>The largest T the buffers hold.</summary>
    public int MaxSequenceLength { get; }

    /// <summary>The largest B the buffers hold.</summary>
    public int MaxBatchSize { get; }

    /// <summary>I.</summary>
    public int InputSize { get; }

    /// <summary>W.</summary>
    public int TargetWidth { get; }

    /// <summary>Whether targets are per step.</summary>
    public bool TargetsPerStep { get; }

    /// <summary>T of the current contents.</summary>
    public int SequenceLength { get; private set; }

    /// <summary>B of the current contents.</summary>
    public int BatchSize { get; private set; }

    /// <summary>(T, B, I) inputs, time-major.</summary>
    public ReadOnlySpan<float> Inputs => _inputs.AsSpan(0, SequenceLength * BatchSize * InputSize);

    /// <summary>(B, W) or (T, B, W) targets.</summary>
    public ReadOnlySpan<float> Targets => _targets.AsSpan(0, TargetRows * TargetWidth);

    /// <summary>(B) lengths, or empty when every sequence has T steps.</summary>
    public ReadOnlySpan<int> Lengths => _hasLengths ? _lengths.AsSpan(0, BatchSize) : default;

    /// <summary>One flag per target row, true where the row counts; empty when all do.</summary>
    public ReadOnlySpan<bool> RowMask => _hasLengths && TargetsPerStep ? _rowMask.AsSpan(0, TargetRows) : default;

    /// <summary>Target rows: B, or T·B.</summary>
    public int TargetRows => (TargetsPerStep ? SequenceLength : 1) * BatchSize;

    /// <summary>Gathers the sequences <paramref name="indices"/> of <paramref name="data"/> into the batch, transposing to time-major.</summary>
    /// <exception cref="ArgumentException">The dataset's shape does not fit the buffers, or there are too many indices.</exception>
    public void Fill(SequenceDataset data, ReadOnlySpan<int> indices)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.SequenceLength > MaxSequenceLength || data.InputSize != InputSize || data.TargetWidth != TargetWidth
            || data.TargetsPerStep != TargetsPerStep || indices.Length < 1 || indices.Length > MaxBatchSize)
        {
            TrainingThrow.Argument(nameof(data), $"The dataset (T = {data.SequenceLength}, I = {data.InputSize}, W = {data.TargetWidth}, per step = {data.TargetsPerStep}) or the {indices.Length} indices do not fit this batch (T ≤ {MaxSequenceLength}, B ≤ {MaxBatchSize}, I = {InputSize}, W = {TargetWidth}, per step = {TargetsPerStep}).");
        }

        int steps = data.SequenceLength;
        int batch = indices.Length;
        SequenceLength = steps;
        BatchSize = batch;
        _hasLengths = data.HasLengths;
        int inputSize = InputSize;
        int width = TargetWidth;
        ReadOnlySpan<float> inputs = data.Inputs;
        ReadOnlySpan<float> targets = data.Targets;
        for (int b = 0; b < batch; b++)
        {
            int sample = indices[b];
            int length = data.LengthOf(sample);
            _lengths[b] = length;
            for (int t = 0; t < steps; t++)
            {
                inputs.Slice(((sample * steps) + t) * inputSize, inputSize).CopyTo(_inputs.AsSpan(((t * batch) + b) * inputSize, inputSize));
            }

            if (TargetsPerStep)
            {
                for (int t = 0; t < steps; t++)
                {
                    targets.Slice(((sample * steps) + t) * width, width).CopyTo(_targets.AsSpan(((t * batch) + b) * width, width));
                    _rowMask[(t * batch) + b] = t < length;
                }
            }
            else
            {
                targets.Slice(sample * width, width).CopyTo(_targets.AsSpan(b * width, width));
                _rowMask[b] = true;
            }
        }
    }

    /// <summary>
    /// Fills the batch with steps [<paramref name="start"/>, <paramref name="start"/> + <paramref name="steps"/>) of
    /// <paramref name="batch"/> parallel streams, stream b being the contiguous part [b·S, (b + 1)·S) of <paramref name="data"/>.
    /// </summary>
    internal void FillStream(StreamDataset data, int batch, int streamLength, int start, int steps)
    {
        SequenceLength = steps;
        BatchSize = batch;
        _hasLengths = false;
        int inputSize = InputSize;
        int width = TargetWidth;
        ReadOnlySpan<float> inputs = data.Inputs;
        ReadOnlySpan<float> targets = data.Targets;
        for (int t = 0; t < steps; t++)
        {
            for (int b = 0; b < batch; b++)
            {
                int source = (b * streamLength) + start + t;
                int row = (t * batch) + b;
                inputs.Slice(source * inputSize, inputSize).CopyTo(_inputs.AsSpan(row * inputSize, inputSize));
                targets.Slice(source * width, width).CopyTo(_targets.AsSpan(row * width, width));
            }
        }
    }
}
