namespace FastLstm.Training;

/// <summary>The base learning rate at every step (factor 1).</summary>
public sealed class ConstantSchedule : LearningRateSchedule
{
    /// <summary>The one instance.</summary>
    public static ConstantSchedule Instance { get; } = new();

    /// <inheritdoc/>
    public override double Factor(long stepIndex) => 1.0;
}
