using System.Globalization;

namespace FastLstm.Cli.Reporting;

/// <summary>The folder a command writes into: --output, or runs/&lt;timestamp&gt;/ under the current directory.</summary>
internal static class RunFolder
{
    public static string Resolve(string? output, CliContext context, string suffix = "")
    {
        string path = output ?? Path.Combine("runs", context.Time.GetLocalNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + suffix);
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw CliException.Usage($"cannot create the output folder '{path}': {e.Message}");
        }

        return path;
    }

    /// <summary>A path as people should read it: relative to the current directory when inside it.</summary>
    public static string Show(string path)
    {
        string full = Path.GetFullPath(path);
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative;
    }

    /// <summary>
    /// The closing block every training task prints: where the run folder, the model, the report (and its copy at
    /// --report) and the pictures went.
    /// </summary>
    public static void PrintSaved(CliContext context, string outputDirectory, string modelPath, string reportFile, string? reportPath, params string[] pictures)
    {
        context.Line();
        context.Line($"saved to {Show(outputDirectory)}/");
        context.Line($"  model     {Show(modelPath)}");
        context.Line($"  report    {Show(reportFile)}{(reportPath is null ? "" : " and " + Show(reportPath))}");
        context.Line($"  {(pictures.Length == 1 ? "picture " : "pictures")}  {string.Join(", ", pictures.Select(Show))}");
    }
}
