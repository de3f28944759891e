namespace FastLstm.Training;

/// <summary>The outcome of <see cref="Trainer.Fit"/> or <see cref="Trainer.FitStream"/>.</summary>
/// <param name="History">Every finished epoch, in order.</param>
/// <param name="StopReason">Why the run ended.</param>
/// <param name="BestEpoch">The epoch whose weights were kept as the best, or −1 when no epoch finished.</param>
/// <param name="BestValue">The monitored metric at <paramref name="BestEpoch"/>, or NaN.</param>
/// <param name="Steps">Optimizer steps taken by the optimizer in total.</param>
public sealed record TrainingResult(IReadOnlyList<EpochRecord> History, StopReason StopReason, int BestEpoch, double BestValue, long Steps);
