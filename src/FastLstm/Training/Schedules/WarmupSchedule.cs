namespace FastLstm.Training;

/// <summary>
/// Linear warm-up, then another schedule: factor (t + 1)/W for the first W steps, then <see cref="After"/>'s factor
/// at t − W (so the following schedule starts from its own beginning).
/// </summary>
public sealed class WarmupSchedule : LearningRateSchedule
{
    /// <summary>Warms up over <paramref name="warmupSteps"/> steps, then follows <paramref name="after"/> (constant when null).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="warmupSteps"/> &lt; 1.</exception>
    public WarmupSchedule(long warmupSteps, LearningRateSchedule? after = null)
    {
        if (warmupSteps < 1)
        {
            TrainingThrow.OutOfRange(nameof(warmupSteps), $"warmupSteps must be at least 1; got {warmupSteps}.");
        }

        WarmupSteps = warmupSteps;
        After = after ?? ConstantSchedule.Instance;
    }

    /// <summary>W, the warm-up length in steps.</summary>
    public long WarmupSteps { get; }

    /// <summary>The schedule after the warm-up.</summary>
    public LearningRateSchedule After { get; }

    /// <inheritdoc/>
    public override double Factor(long stepIndex) =>
        stepIndex < WarmupSteps ? (double)(stepIndex + 1) / WarmupSteps : After.Factor(stepIndex - WarmupSteps);
}
