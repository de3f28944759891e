namespace FastLstm.Training;

/// <summary>
/// A snapshot of an <see cref="Optimizer"/>: what a checkpoint stores so training resumes exactly.
/// Immutable by convention: the buffers are copies made by <see cref="Optimizer.ExportState"/>.
/// </summary>
/// <param name="Name">The optimizer's <see cref="Optimizer.Name"/>.</param>
/// <param name="StepCount">Steps taken.</param>
/// <param name="LearningRate">The learning rate of the last step.</param>
/// <param name="Buffers">Every state buffer, slot by slot, list by list.</param>
public sealed record OptimizerState(string Name, long StepCount, float LearningRate, IReadOnlyList<float[]> Buffers);
