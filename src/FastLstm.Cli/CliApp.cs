using System.CommandLine;
using System.CommandLine.Invocation;
using FastLstm.Cli.Commands;
using FastLstm.Data;
using FastLstm.Training;

namespace FastLstm.Cli;

/// <summary>
/// The fastlstm command line, runnable in-process: parses the arguments, runs the command with the given output
/// writers and cancellation token, and turns every failure into an exit code and one line on stderr.
/// </summary>
public static class CliApp
{
    /// <summary>Runs the tool as <c>fastlstm args…</c> would, writing to <paramref name="stdout"/> and <paramref name="stderr"/>.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="stdout">Standard output: tables, progress, results. Rendered as plain text unless it is the console's own terminal.</param>
    /// <param name="stderr">Standard error: one-line errors and warnings.</param>
    /// <param name="cancellationToken">Ctrl-C: a training run stops after the current batch and saves its best model.</param>
    /// <returns>The exit code: see <see cref="ExitCodes"/>.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        bool interactive = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;
        var context = new CliContext(stdout, stderr, interactive);
        return await RunAsync(args, context, cancellationToken).ConfigureAwait(false);
    }

    internal static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken)
    {
        var verbose = new Option<bool>("--verbose") { Description = "Show stack traces of errors", Recursive = true };
        RootCommand root = Build(context, verbose);
        ParseResult parse = root.Parse(args);
        context.Verbose = parse.GetValue(verbose);
        if (parse.Action is ParseErrorAction || (parse.Errors.Count > 0 && parse.Action is null))
        {
            string command = parse.CommandResult.Command is RootCommand ? "fastlstm" : "fastlstm " + parse.CommandResult.Command.Name;
            // "Required command was not provided" comes first for an unknown command; the unmatched token says more.
            string message = parse.Errors.Count > 0 ? string.Join("; ", parse.Errors.Select(e => e.Message.TrimEnd('.')).Where(m => parse.Errors.Count == 1 || !m.StartsWith("Required command", StringComparison.Ordinal)).Distinct()) + "." : "a command is required.";
            if (parse.CommandResult.Command is RootCommand && parse.Errors.Count == 1)
            {
                message = "a command is required: " + string.Join(", ", root.Subcommands.Select(c => c.Name)) + ".";
            }

            context.Error.WriteLine($"fastlstm: {OneLine(message)} (see '{command} --help')");
            return ExitCodes.Usage;
        }

        try
        {
            var configuration = new InvocationConfiguration
            {
                Output = context.Out,
                Error = context.Error,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            };
            return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            return Fail(context, e);
        }
    }

    private static RootCommand Build(CliContext context, Option<bool> verbose)
    {
        var root = new RootCommand("fastlstm: train, evaluate and use recurrent networks (RNN, LSTM, GRU) on time series, text and sequences.")
        {
            verbose,
            new TrainCommand().Build(context),
            new EvaluateCommand().Build(context),
            new ForecastCommand().Build(context),
            new GenerateCommand().Build(context),
            new ClassifyCommand().Build(context),
            new ExperimentCommand().Build(context),
            new BenchCommand().Build(context),
            new InspectCommand().Build(context),
            new ExportCommand().Build(context), new ImportCommand().Build(context),
        };
        return root;
    }

    /// <summary>Maps an exception to its exit code and writes its one-line reason (and the stack trace with --verbose).</summary>
    private static int Fail(CliContext context, Exception e)
    {
        (int code, string message) = e switch
        {
            CliException cli => (cli.ExitCode, cli.Message),
            OperationCanceledException => (ExitCodes.Cancelled, "stopped by Ctrl-C."),
            TrainingDivergedException diverged => (ExitCodes.Failure, "training failed: " + diverged.Message + " Try a lower --lr or --clip 1."),
            DataFormatException data => (ExitCodes.BadFile, data.Message),
            FileNotFoundException missing => (ExitCodes.BadFile, missing.FileName is null ? missing.Message : $"no such file: {missing.FileName}"),
            DirectoryNotFoundException directory => (ExitCodes.BadFile, directory.Message),
            InvalidDataException invalid => (ExitCodes.BadFile, invalid.Message),
            UnauthorizedAccessException denied => (ExitCodes.BadFile, denied.Message),
            IOException io => (ExitCodes.BadFile, io.Message),
            ArgumentException argument => (ExitCodes.Usage, argument.Message.Split(" (Parameter")[0]),
            _ => (ExitCodes.Failure, $"unexpected error ({e.GetType().Name}): {e.Message}"),
        };
        context.Error.WriteLine("fastlstm: " + OneLine(message));
        if (context.Verbose)
        {
            context.Error.WriteLine(e.ToString());
        }

        return code;
    }

    private static string OneLine(string message) => string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
