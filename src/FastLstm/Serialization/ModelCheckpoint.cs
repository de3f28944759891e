using FastLstm.Training;

namespace FastLstm.Serialization;

/// <summary>
/// What a <see cref="ModelFile"/> holds besides the model when it is a training checkpoint: enough to resume a run at
/// an epoch boundary so that it continues bit for bit as if it had not stopped.
/// </summary>
/// <remarks>
/// <para>Why this is enough: the <see cref="Trainer"/> draws each epoch's shuffle order, and its dropout masks, from
/// generators seeded by (<see cref="Seed"/>, epoch index) only, so no generator state crosses an epoch boundary.
/// The weights are the <see cref="ModelFile.Model"/>'s; the optimizer's moments, step count and learning rate are
/// <see cref="Optimizer"/>. Resume with a trainer built from the same options, <see cref="TrainerOptions.Seed"/> =
/// <see cref="Seed"/> and <see cref="TrainerOptions.InitialEpoch"/> = <see cref="EpochsCompleted"/>, after
/// <see cref="Optimizer.ImportState"/> of <see cref="Optimizer"/>.</para>
/// <para>The early-stopping bookkeeping (<see cref="BestEpoch"/>, <see cref="BestValue"/>,
/// <see cref="EpochsWithoutImprovement"/>, <see cref="BestWeights"/>) is stored for a trainer that can take it back;
/// it matters only to a run that restores best weights or stops early across the interruption.</para>
/// </remarks>
/// <param name="Optimizer">The optimizer's state (<see cref="Training.Optimizer.ExportState"/>): name, step count, learning rate, buffers.</param>
/// <param name="EpochsCompleted">Epochs finished when the checkpoint was taken; the next epoch's index.</param>
/// <param name="Seed">The run's <see cref="TrainerOptions.Seed"/>, from which shuffling and dropout are derived.</param>
public sealed record ModelCheckpoint(OptimizerState Optimizer, int EpochsCompleted, int Seed)
{
    /// <summary>The epoch whose weights are the best so far, or −1 (none yet: the starting weights).</summary>
    public int BestEpoch { get; init; } = -1;

    /// <summary>The monitored metric at <see cref="BestEpoch"/>, or NaN.</summary>
    public double BestValue { get; init; } = double.NaN;

    /// <summary>Epochs since the best one (what early stopping counts against its patience).</summary>
    public int EpochsWithoutImprovement { get; init; }

    /// <summary>The best weights so far (the layout of <see cref="RecurrentModel.CopyValuesTo"/>), or null when not kept.</summary>
    public float[]? BestWeights { get; init; }
}
