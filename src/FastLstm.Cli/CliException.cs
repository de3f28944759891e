namespace FastLstm.Cli;

/// <summary>An error the tool reports as one line, with the exit code it implies.</summary>
internal sealed class CliException : Exception
{
    public CliException(int exitCode, string message)
        : base(message)
    {
        ExitCode = exitCode;
    }

    public CliException(int exitCode, string message, Exception innerException)
        : base(message, innerException)
    {
        ExitCode = exitCode;
    }

    public CliException()
        : this(ExitCodes.Failure, "fastlstm failed.")
    {
    }

    public CliException(string message)
        : this(ExitCodes.Failure, message)
    {
    }

    public CliException(string message, Exception innerException)
        : this(ExitCodes.Failure, message, innerException)
    {
    }

    public int ExitCode { get; }

    /// <summary>A bad-argument error (exit code 2).</summary>
    public static CliException Usage(string message) => new(ExitCodes.Usage, message);

    /// <summary>A bad-file error (exit code 3).</summary>
    public static CliException BadFile(string message) => new(ExitCodes.BadFile, message);
}
