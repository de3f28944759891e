namespace FastLstm.Training;

/// <summary>
/// Cosine annealing (PyTorch's CosineAnnealingLR, closed form): factor m + (1 − m)·(1 + cos(π·t/N))/2 for t &lt; N,
/// then m, with N total steps and m the final factor.
/// </summary>
public sealed class CosineSchedule : LearningRateSchedule
{
    /// <summary>Anneals from factor 1 to <paramref name="minimumFactor"/> over <paramref name="totalSteps"/> steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="totalSteps"/> &lt; 1 or <paramref name="minimumFactor"/> not in [0, 1].</exception>
    public CosineSchedule(long totalSteps, double minimumFactor = 0)
    {
        if (totalSteps < 1)
        {
            TrainingThrow.OutOfRange(nameof(totalSteps), $"totalSteps must be at least 1; got {totalSteps}.");
        }

        if (!(minimumFactor >= 0 && minimumFactor <= 1))
        {
            TrainingThrow.OutOfRange(nameof(minimumFactor), $"minimumFactor must be in [0, 1]; got {minimumFactor}.");
        }

        TotalSteps = totalSteps;
        MinimumFactor = minimumFactor;
    }

    /// <summary>N, the steps of one half cosine.</summary>
    public long TotalSteps { get; }

    /// <summary>m, the factor reached at step N and kept after it.</summary>
    public double MinimumFactor { get; }

    /// <inheritdoc/>
    public override double Factor(long stepIndex)
    {
        if (stepIndex >= TotalSteps)
        {
            return MinimumFactor;
        }

        double progress = (double)stepIndex / TotalSteps;
        return MinimumFactor + ((1 - MinimumFactor) * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }
}
