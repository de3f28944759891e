namespace FastLstm.Training;

/// <summary>One finished epoch of a training run.</summary>
/// <param name="Epoch">The epoch, counting from 0.</param>
/// <param name="Train">Metrics of the epoch's training passes (training mode, weights changing during the epoch).</param>
/// <param name="Validation">Validation metrics after the epoch, or <see cref="MetricValues.None"/>.</param>
/// <param name="LearningRate">The learning rate of the epoch's last step.</param>
/// <param name="IsBest">Whether this epoch improved the monitored metric (its weights were kept as the best).</param>
public sealed record EpochRecord(int Epoch, MetricValues Train, MetricValues Validation, float LearningRate, bool IsBest);
