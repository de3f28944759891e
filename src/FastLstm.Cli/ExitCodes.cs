namespace FastLstm.Cli;

/// <summary>The tool's exit codes; every non-zero one comes with a one-line reason on stderr.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>Training failed (diverged), a command could not finish, or an unexpected error.</summary>
    public const int Failure = 1;

    /// <summary>Bad arguments: unknown command or option, a value out of range, options that do not fit the task.</summary>
    public const int Usage = 2;

    /// <summary>A bad input file: missing, unreadable, not the expected format (data file or model file).</summary>
    public const int BadFile = 3;

    /// <summary>Stopped by Ctrl-C (128 + SIGINT); a training run still saved its best model.</summary>
    public const int Cancelled = 130;
}
