namespace FastLstm.Training;

/// <summary>Step decay (PyTorch's StepLR, counted in optimizer steps): factor γ^⌊t / s⌋.</summary>
public sealed class StepSchedule : LearningRateSchedule
{
    /// <summary>Multiplies the rate by <paramref name="gamma"/> every <paramref name="stepSize"/> steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="stepSize"/> &lt; 1 or <paramref name="gamma"/> not in (0, 1].</exception>
    public StepSchedule(long stepSize, double gamma = 0.1)
    {
        if (stepSize < 1)
        {
            TrainingThrow.OutOfRange(nameof(stepSize), $"stepSize must be at least 1; got {stepSize}.");
        }

        if (!(gamma > 0 && gamma <= 1))
        {
            TrainingThrow.OutOfRange(nameof(gamma), $"gamma must be in (0, 1]; got {gamma}.");
        }

        StepSize = stepSize;
        Gamma = gamma;
    }

    /// <summary>Steps between decays, s.</summary>
    public long StepSize { get; }

    /// <summary>The factor per decay, γ.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    public override double Factor(long stepIndex) => Math.Pow(Gamma, stepIndex / StepSize);
}
