namespace FastLstm.Training;

/// <summary>
/// Training met a NaN or infinite loss, gradient or validation metric and stopped before applying it. The model
/// then holds the best weights so far (or the initial ones, when no epoch finished), never the non-finite ones.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Builds the exception with a message naming where training stopped.</summary>
    /// <param name="epoch">The epoch, counting from 0.</param>
    /// <param name="batch">The batch within the epoch, counting from 0 (−1 for an epoch-end check).</param>
    /// <param name="quantity">What was not finite, e.g. "loss" or "gradient norm".</param>
    /// <param name="value">The value found.</param>
    /// <param name="restoredEpoch">The epoch whose weights were restored, or −1 for the initial weights.</param>
    public TrainingDivergedException(int epoch, int batch, string quantity, double value, int restoredEpoch)
        : base(Describe(epoch, batch, quantity, value, restoredEpoch))
    {
        Epoch = epoch;
        Batch = batch;
        Quantity = quantity;
        Value = value;
        RestoredEpoch = restoredEpoch;
    }

    /// <summary>Builds the exception with only a message (for serializers and tools).</summary>
    public TrainingDivergedException(string message)
        : base(message)
    {
        Quantity = "";
        Batch = -1;
        RestoredEpoch = -1;
    }

    /// <summary>Builds the exception with a message and a cause.</summary>
    public TrainingDivergedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Quantity = "";
        Batch = -1;
        RestoredEpoch = -1;
    }

    /// <summary>Builds the exception without details.</summary>
    public TrainingDivergedException()
        : this("Training diverged.")
    {
    }

    /// <summary>The epoch, counting from 0.</summary>
    public int Epoch { get; }

    /// <summary>The batch within the epoch, counting from 0; −1 when an epoch-end metric was not finite.</summary>
    public int Batch { get; }

    /// <summary>What was not finite.</summary>
    public string Quantity { get; }

    /// <summary>The non-finite value.</summary>
    public double Value { get; }

    /// <summary>The epoch whose weights the model holds now, or −1 for the weights training started from.</summary>
    public int RestoredEpoch { get; }

    private static string Describe(int epoch, int batch, string quantity, double value, int restoredEpoch)
    {
        string where = batch >= 0 ? $"epoch {epoch + 1}, batch {batch + 1}" : $"the end of epoch {epoch + 1}";
        string kept = restoredEpoch >= 0 ? $"the best weights so far (epoch {restoredEpoch + 1}) were restored" : "the weights training started from were restored";
        return $"Training stopped at {where}: the {quantity} is {value}; no update was applied and {kept}.";
    }
}
