namespace FastLstm.Training;

/// <summary>
/// A factor on the optimizer's base learning rate as a function of the optimizer step: before step t (counting
/// from 0) the trainer sets η = η₀ · <see cref="Factor"/>(t). Schedules count optimizer steps, not epochs, so they
/// behave the same for any batch size; use steps-per-epoch multiples to get epoch-wise behaviour.
/// </summary>
/// <remarks>Schedules are immutable and stateless: the factor depends on t only, so a resumed run picks up exactly.</remarks>
public abstract class LearningRateSchedule
{
    /// <summary>The factor for optimizer step <paramref name="stepIndex"/> (0 for the first step).</summary>
    public abstract double Factor(long stepIndex);
}
