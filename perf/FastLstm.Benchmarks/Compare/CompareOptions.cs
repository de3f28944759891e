using System.Globalization;

namespace FastLstm.Benchmarks.Compare;

/// <summary>
/// Command line of the quick mode: <c>--compare [--seconds S] [--cases a,b] [--threads 1,2] [--peers onnxruntime,libtorch] [--out PATH]</c>.
/// <c>--cases</c> keeps the cases whose ID contains any of the given parts; <c>--peers</c> picks the peers (<c>none</c> for
/// FastLstm alone, handy while tuning a kernel).
/// </summary>
public sealed record CompareOptions
{
    /// <summary>Seconds of warm-up plus timing per implementation, case and thread count.</summary>
    public double Seconds { get; init; } = 2.0;

    /// <summary>Parts of case IDs to keep; empty keeps all.</summary>
    public IReadOnlyList<string> CaseFilters { get; init; } = [];

    /// <summary>Thread settings to run.</summary>
    public IReadOnlyList<int> Threads { get; init; } = CaseCatalog.ThreadCounts;

    /// <summary>Peers to run beside FastLstm.</summary>
    public IReadOnlyList<string> Peers { get; init; } = ["onnxruntime", "libtorch"];

    /// <summary>Where the JSON goes; null for perf/results/compare.json in the repository.</summary>
    public string? OutputPath { get; init; }

    /// <summary>Parses the arguments after <c>--compare</c>.</summary>
    /// <exception cref="ArgumentException">An unknown option or a bad value.</exception>
    public static CompareOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new CompareOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.", nameof(args));
            options = args[i] switch
            {
                "--compare" => options,
                "--seconds" => options with { Seconds = double.Parse(Value(), CultureInfo.InvariantCulture) },
                "--cases" => options with { CaseFilters = Value().Split(',', StringSplitOptions.RemoveEmptyEntries) },
                "--threads" => options with { Threads = Array.ConvertAll(Value().Split(',', StringSplitOptions.RemoveEmptyEntries), s => int.Parse(s, CultureInfo.InvariantCulture)) },
                "--peers" => options with { Peers = ParsePeers(Value()) },
                "--out" => options with { OutputPath = Value() },
                _ => throw new ArgumentException(
                    $"Unknown option '{args[i]}'. Usage: --compare [--seconds S] [--cases part,part] [--threads 1,2] [--peers onnxruntime,libtorch|none] [--out PATH]", nameof(args)),
            };
        }

        return options;
    }

    private static string[] ParsePeers(string value)
    {
        string[] peers = value == "none" ? [] : value.Split(',', StringSplitOptions.RemoveEmptyEntries);
        foreach (string peer in peers)
        {
            if (peer is not ("onnxruntime" or "libtorch"))
            {
                throw new ArgumentException($"Unknown peer '{peer}'; expected onnxruntime, libtorch or none.", nameof(value));
            }
        }

        return peers;
    }
}
