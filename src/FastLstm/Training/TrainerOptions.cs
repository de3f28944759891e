namespace FastLstm.Training;

/// <summary>How a <see cref="Trainer"/> runs: epochs, batches, seed, validation, early stopping, clipping, schedule.</summary>
/// <remarks>Immutable; validated once by the <see cref="Trainer"/> constructor.</remarks>
public sealed record TrainerOptions
{
    /// <summary>Epochs to run (the last epoch index is <see cref="Epochs"/> − 1). Default 10.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>
    /// Sequences per mini-batch (the last batch of an epoch may be smaller); for <see cref="Trainer.FitStream"/>, the
    /// number of parallel streams. Default 32.
    /// </summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Seed of the shuffling and of dropout: the same seed, data and thread count give bit-identical weights. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Shuffle the training sequences every epoch (a fresh permutation per epoch, from the seed and the epoch index). Default true.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>When no validation set is given, the last fraction of the training set becomes one (<see cref="SequenceDataset.SplitLast"/>). 0 (default) for none.</summary>
    public double ValidationFraction { get; init; }

    /// <summary>The metric that decides the best epoch and early stopping: on the validation set when there is one, else on the training passes. Default loss.</summary>
    public Metric Monitor { get; init; } = Metric.Loss;

    /// <summary>Stop after this many epochs without improvement of <see cref="Monitor"/>; 0 (default) never stops early.</summary>
    public int Patience { get; init; }

    /// <summary>The smallest change of <see cref="Monitor"/> that counts as an improvement. Default 0.</summary>
    public double MinDelta { get; init; }

    /// <summary>At the end (and on cancellation), put back the weights of the best epoch. Default true.</summary>
    public bool RestoreBestWeights { get; init; } = true;

    /// <summary>Clip gradients to this global L2 norm before each update; 0 (default) for none.</summary>
    public float ClipNorm { get; init; }

    /// <summary>Clamp every gradient to ±this value before each update (after norm clipping); 0 (default) for none.</summary>
    public float ClipValue { get; init; }

    /// <summary>The learning-rate schedule over optimizer steps; null (default) keeps the base rate.</summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <summary>Steps per chunk of truncated BPTT in <see cref="Trainer.FitStream"/>. Default 50.</summary>
    public int BpttLength { get; init; } = 50;

    /// <summary>Report progress every this many batches (and at every epoch end); 0 reports epoch ends only. Default 1.</summary>
    public int ProgressInterval { get; init; } = 1;

    /// <summary>The epoch to start at, to resume from a checkpoint (shuffling depends on the epoch index, so a resumed run repeats the uninterrupted one). Default 0.</summary>
    public int InitialEpoch { get; init; }

    /// <summary>Threads a training step may use, the caller's included (1 … 256). Default 1: no thread is started. More
    /// starts <c>Threads − 1</c> workers that the <see cref="Trainer"/> owns until <see cref="Trainer.Dispose"/>; the
    /// weights are bit-identical for every thread count.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option that is out of range.</summary>
    /// <param name="paramName">The argument name to report.</param>
    public void Validate(string paramName)
    {
        Require(Epochs >= 1, $"Epochs must be at least 1; got {Epochs}.", paramName);
        Require(BatchSize >= 1, $"BatchSize must be at least 1; got {BatchSize}.", paramName);
        Require(ValidationFraction >= 0 && ValidationFraction < 1, $"ValidationFraction must be in [0, 1); got {ValidationFraction}.", paramName);
        Require(Enum.IsDefined(Monitor), $"Monitor must be a defined Metric; got {(int)Monitor}.", paramName);
        Require(Patience >= 0, $"Patience must be 0 or more; got {Patience}.", paramName);
        Require(MinDelta >= 0 && double.IsFinite(MinDelta), $"MinDelta must be a non-negative finite number; got {MinDelta}.", paramName);
        Require(ClipNorm >= 0 && float.IsFinite(ClipNorm), $"ClipNorm must be 0 (off) or a positive finite number; got {ClipNorm}.", paramName);
        Require(ClipValue >= 0 && float.IsFinite(ClipValue), $"ClipValue must be 0 (off) or a positive finite number; got {ClipValue}.", paramName);
        Require(BpttLength >= 1, $"BpttLength must be at least 1; got {BpttLength}.", paramName);
        Require(ProgressInterval >= 0, $"ProgressInterval must be 0 or more; got {ProgressInterval}.", paramName);
        Require(Threads is >= 1 and <= 256, $"Threads must be between 1 and 256; got {Threads}.", paramName);
        Require(InitialEpoch >= 0 && InitialEpoch < Epochs, $"InitialEpoch must be in [0, Epochs = {Epochs}); got {InitialEpoch}.", paramName);
    }

    private static void Require(bool condition, string message, string paramName)
    {
        if (!condition)
        {
            TrainingThrow.Argument(paramName, message);
        }
    }
}
