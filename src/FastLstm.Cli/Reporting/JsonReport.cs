using System.Text.Json;
using System.Text.Json.Nodes;

namespace FastLstm.Cli.Reporting;

/// <summary>
/// report.json: what a command printed, as JSON for scripts and CI (built as a node tree, written with Utf8JsonWriter).
/// Numbers that are not finite are written as null.
/// </summary>
internal static class JsonReport
{
    /// <summary>A number node, or null for NaN and infinities (JSON has neither).</summary>
    public static JsonNode? Number(double value) => double.IsFinite(value) ? JsonValue.Create(value) : null;

    /// <summary>{ "rmse": …, "mae": … }.</summary>
    public static JsonObject Errors(double rmse, double mae) => new() { ["rmse"] = Number(rmse), ["mae"] = Number(mae) };

    /// <summary>An array of strings.</summary>
    public static JsonArray Strings(IEnumerable<string> items) => [.. items.Select(i => (JsonNode?)JsonValue.Create(i))];

    /// <summary>Writes <paramref name="report"/> to every path given (the run folder's report.json and --report).</summary>
    public static void Write(JsonObject report, params IEnumerable<string?> paths)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            report.WriteTo(writer);
        }

        buffer.Write("\n"u8);
        foreach (string? path in paths.Where(p => !string.IsNullOrEmpty(p)).Distinct())
        {
            string? directory = Path.GetDirectoryName(Path.GetFullPath(path!));
            if (directory is not null)
            {
                Directory.CreateDirectory(directory);
            }

            File.WriteAllBytes(path!, buffer.ToArray());
        }
    }
}
