using System.Text.Json;

namespace FastLstm.Benchmarks.Compare;

/// <summary>
/// Writes the compare table as JSON: an array of row objects (snake_case fields: case, category, impl, threads,
/// threads_used, status, median_ms, min_ms, allocated_bytes, calls, foreign_cpu, gflops, bound_kind, bound_ms, bound_fraction,
/// max_abs_diff, detail), and beside it a small machine file with the probes and versions.
/// </summary>
public static class CompareJsonWriter
{
    private static readonly JsonWriterOptions s_options = new() { Indented = true };

    /// <summary>Writes <paramref name="rows"/> to <paramref name="path"/>, creating its folder.</summary>
    public static void WriteRows(string path, IReadOnlyList<CompareRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using FileStream stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, s_options);
        json.WriteStartArray();
        foreach (CompareRow row in rows)
        {
            json.WriteStartObject();
            json.WriteString("case", row.Case);
            json.WriteString("category", row.Category);
            json.WriteString("impl", row.Implementation);
            json.WriteNumber("threads", row.Threads);
            json.WriteNumber("threads_used", row.ThreadsUsed);
            json.WriteString("status", row.Status);
            NumberOrNull(json, "median_ms", row.Timing?.MedianMs);
            NumberOrNull(json, "min_ms", row.Timing?.MinMs);
            NumberOrNull(json, "allocated_bytes", row.Timing?.AllocatedBytes);
            NumberOrNull(json, "calls", row.Timing?.Calls);
            NumberOrNull(json, "foreign_cpu", row.Timing?.ForeignCpu);
            NumberOrNull(json, "gflops", row.Gflops);
            json.WriteString("bound_kind", row.BoundKind);
            NumberOrNull(json, "bound_ms", row.BoundMs);
            NumberOrNull(json, "bound_fraction", row.BoundFraction);
            NumberOrNull(json, "max_abs_diff", row.MaxAbsDiff);
            if (row.Detail is not null)
            {
                json.WriteString("detail", row.Detail);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>Writes name/value pairs (strings or numbers) as one JSON object.</summary>
    public static void WriteObject(string path, IReadOnlyList<(string Name, object Value)> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using FileStream stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, s_options);
        json.WriteStartObject();
        foreach ((string name, object value) in fields)
        {
            switch (value)
            {
                case double d:
                    NumberOrNull(json, name, d);
                    break;
                case int i:
                    json.WriteNumber(name, i);
                    break;
                default:
                    json.WriteString(name, value.ToString());
                    break;
            }
        }

        json.WriteEndObject();
    }

    private static void NumberOrNull(Utf8JsonWriter json, string name, double? value)
    {
        // Rounded to 6 significant digits: more would be noise, and the file stays readable.
        if (value is double v && double.IsFinite(v))
        {
            json.WriteNumber(name, double.Parse(v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
