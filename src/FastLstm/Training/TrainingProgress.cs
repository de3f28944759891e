namespace FastLstm.Training;

/// <summary>
/// What the trainer reports through <see cref="IProgress{T}"/>: after a batch (every <see cref="TrainerOptions.ProgressInterval"/>)
/// and at the end of every epoch, with the epoch's metrics. A value type, so reporting allocates nothing itself.
/// </summary>
public readonly record struct TrainingProgress
{
    /// <summary>Whether this report closes an epoch (then <see cref="Train"/> and <see cref="Validation"/> are set).</summary>
    public bool IsEpochEnd { get; init; }

    /// <summary>The epoch, counting from 0.</summary>
    public int Epoch { get; init; }

    /// <summary>Epochs of the run.</summary>
    public int Epochs { get; init; }

    /// <summary>Batches done in this epoch.</summary>
    public int Batch { get; init; }

    /// <summary>Batches per epoch.</summary>
    public int BatchesPerEpoch { get; init; }

    /// <summary>Optimizer steps taken so far.</summary>
    public long Step { get; init; }

    /// <summary>The last batch's mean loss.</summary>
    public double BatchLoss { get; init; }

    /// <summary>The last batch's global gradient norm, before clipping.</summary>
    public double GradientNorm { get; init; }

    /// <summary>The learning rate of the last step.</summary>
    public float LearningRate { get; init; }

    /// <summary>At an epoch end: the metrics of the epoch's training passes; otherwise the running values so far.</summary>
    public MetricValues Train { get; init; }

    /// <summary>At an epoch end: the validation metrics (<see cref="MetricValues.None"/> without a validation set).</summary>
    public MetricValues Validation { get; init; }
}
