using System.Text.Json;

namespace FastLstm.Cli.Tests;

/// <summary>Runs the tool in-process, as 'fastlstm args…' would run, capturing its output.</summary>
internal static class Cli
{
    public sealed record Result(int ExitCode, string Out, string Error)
    {
        /// <summary>The error output is one line naming the problem, never a stack trace.</summary>
        public void AssertOneLineError(int exitCode, string containing)
        {
            Assert.True(exitCode == ExitCode, $"exit code {ExitCode}, expected {exitCode}; stderr: {Error}; stdout: {Out}");
            string[] lines = Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(lines.Length == 1, $"expected one line on stderr, got {lines.Length}: {Error}");
            Assert.StartsWith("fastlstm: ", lines[0]);
            Assert.Contains(containing, lines[0], StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("   at ", Error);
        }

        public void AssertSuccess() => Assert.True(ExitCode == 0, $"exit code {ExitCode}; stderr: {Error}; stdout: {Out}");
    }

    public static Result Run(params string[] args) => Run(CancellationToken.None, args);

    public static Result Run(CancellationToken cancellationToken, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = CliApp.RunAsync(args, stdout, stderr, cancellationToken).GetAwaiter().GetResult();
        return new Result(code, stdout.ToString(), stderr.ToString());
    }

    public static JsonElement ReadJson(string path)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }
}
