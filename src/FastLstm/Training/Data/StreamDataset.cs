namespace FastLstm.Training;

/// <summary>
/// One long stream of N steps with a target row per step, for truncated BPTT: inputs (N, I), targets (N, W).
/// For a character language model, the input of step n is token n and its target token n + 1 (<see cref="NextToken"/>).
/// </summary>
/// <remarks>
/// The trainer cuts the stream into B contiguous parallel streams of ⌊N/B⌋ steps and walks them in chunks of
/// <see cref="TrainerOptions.BpttLength"/> steps, carrying the state from chunk to chunk but not the gradient.
/// The dataset keeps the arrays it is given (no copy).
/// </remarks>
public sealed class StreamDataset
{
    private readonly float[] _inputs;
    private readonly float[] _targets;

    /// <summary>Wraps arrays laid out as described on the type.</summary>
    /// <exception cref="ArgumentException">A size is less than 1 or an array's length does not fit.</exception>
    public StreamDataset(float[] inputs, float[] targets, int steps, int inputSize, int targetWidth)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (steps < 1 || inputSize < 1 || targetWidth < 1)
        {
            TrainingThrow.OutOfRange(nameof(steps), $"steps, inputSize and targetWidth must be at least 1; got {steps}, {inputSize}, {targetWidth}.");
        }

        TrainingThrow.CheckLength(inputs, (long)steps * inputSize, nameof(inputs));
        TrainingThrow.CheckLength(targets, (long)steps * targetWidth, nameof(targets));
        _inputs = inputs;
        _targets = targets;
        Steps = steps;
        InputSize = inputSize;
        TargetWidth = targetWidth;
    }

    /// <summary>N, steps in the stream.</summary>
    public int Steps { get; }

    /// <summary>I, input values per step.</summary>
    public int InputSize { get; }

    /// <summary>W, target values per step.</summary>
    public int TargetWidth { get; }

    /// <summary>(N, I) inputs.</summary>
    public ReadOnlySpan<float> Inputs => _inputs;

    /// <summary>(N, W) targets.</summary>
    public ReadOnlySpan<float> Targets => _targets;

    /// <summary>A next-token stream from a token sequence: inputs tokens[0 … n−2], targets tokens[1 … n−1], as float ids.</summary>
    /// <exception cref="ArgumentException">Fewer than 2 tokens.</exception>
    public static StreamDataset NextToken(ReadOnlySpan<int> tokens)
    {
        if (tokens.Length < 2)
        {
            TrainingThrow.Argument(nameof(tokens), $"A next-token stream needs at least 2 tokens; got {tokens.Length}.");
        }

        int steps = tokens.Length - 1;
        var inputs = new float[steps];
        var targets = new float[steps];
        for (int n = 0; n < steps; n++)
        {
            inputs[n] = tokens[n];
            targets[n] = tokens[n + 1];
        }

        return new StreamDataset(inputs, targets, steps, 1, 1);
    }
}
