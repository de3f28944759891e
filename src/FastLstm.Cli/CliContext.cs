using Spectre.Console;

namespace FastLstm.Cli;

/// <summary>
/// Where one run of the tool writes: plain text writers for stdout and stderr, and a Spectre console over stdout for
/// tables and progress (interactive with colours on a terminal; plain, non-interactive text when captured, as in tests).
/// </summary>
internal sealed class CliContext
{
    public CliContext(TextWriter stdout, TextWriter stderr, bool interactive, TimeProvider? time = null)
    {
        Out = stdout;
        Error = stderr;
        Interactive = interactive;
        Time = time ?? TimeProvider.System;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!interactive)
        {
            // Captured output is read by people in logs and by tests: wide enough for every table on one line.
            Console.Profile.Width = 120;
        }
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public IAnsiConsole Console { get; }

    public bool Interactive { get; }

    public TimeProvider Time { get; }

    public bool Verbose { get; set; }

    /// <summary>Writes a plain line to stdout (no markup, never wrapped).</summary>
    public void Line(string text = "") => Out.WriteLine(text);

    /// <summary>Writes a line with Spectre markup to stdout.</summary>
    public void Markup(string markup) => Console.MarkupLine(markup);

    /// <summary>A warning on stderr.</summary>
    public void Warn(string message) => Error.WriteLine("fastlstm: warning: " + message);
}
