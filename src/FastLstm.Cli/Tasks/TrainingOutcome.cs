using FastLstm.Training;

namespace FastLstm.Cli.Tasks;

/// <summary>A finished (or stopped) training run: the trainer's result and how long it took.</summary>
internal sealed record TrainingOutcome(TrainingResult Result, TimeSpan Duration)
{
    public bool Cancelled => Result.StopReason == StopReason.Cancelled;

    /// <summary>"early-stopped", "completed", "cancelled".</summary>
    public string StopCode => Result.StopReason switch
    {
        StopReason.EarlyStopped => "early-stopped",
        StopReason.Cancelled => "cancelled",
        _ => "completed",
    };

    /// <summary>A sentence for people.</summary>
    public string Describe()
    {
        int epochs = Result.History.Count;
        string best = Result.BestEpoch >= 0 ? $"best epoch {Result.BestEpoch + 1}" : "no epoch finished";
        string why = Result.StopReason switch
        {
            StopReason.EarlyStopped => "stopped early",
            StopReason.Cancelled => "stopped by Ctrl-C",
            _ => "ran every epoch",
        };
        return $"{epochs} epochs in {Duration.TotalSeconds:0.0} s, {why}; kept the weights of the {best}";
    }
}
