namespace FastLstm.Training;

/// <summary>Why a training run ended.</summary>
public enum StopReason
{
    /// <summary>All epochs ran.</summary>
    Completed,

    /// <summary>The monitored metric did not improve for <see cref="TrainerOptions.Patience"/> epochs.</summary>
    EarlyStopped,

    /// <summary>The cancellation token was signalled; training stopped after the current batch.</summary>
    Cancelled,
}
