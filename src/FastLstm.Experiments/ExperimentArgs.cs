using System.Globalization;

namespace FastLstm.Experiments;

/// <summary>"--name value" flags of the experiment command line, read on demand with a default; unknown flags are reported.</summary>
public sealed class ExperimentArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    /// <summary>Parses flags that follow the experiment's name.</summary>
    public ExperimentArgs(IEnumerable<string> flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        string? name = null;
        foreach (string flag in flags)
        {
            if (flag.StartsWith("--", StringComparison.Ordinal))
            {
                if (name is not null)
                {
                    _values[name] = "true";
                }

                name = flag[2..];
            }
            else if (name is not null)
            {
                _values[name] = flag;
                name = null;
            }
            else
            {
                throw new ArgumentException($"Unexpected argument '{flag}': flags are --name value.");
            }
        }

        if (name is not null)
        {
            _values[name] = "true";
        }
    }

    /// <summary>An integer flag.</summary>
    public int Get(string name, int fallback) => Read(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    /// <summary>A floating-point flag.</summary>
    public double Get(string name, double fallback) => Read(name) is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : fallback;

    /// <summary>A text flag.</summary>
    public string Get(string name, string fallback) => Read(name) ?? fallback;

    /// <summary>A comma-separated list of integers.</summary>
    public int[] Get(string name, int[] fallback) =>
        Read(name) is { } text ? Array.ConvertAll(text.Split(','), s => int.Parse(s, CultureInfo.InvariantCulture)) : fallback;

    /// <summary>Flags given but never read: typos the user should hear about.</summary>
    public IEnumerable<string> Unused() => _values.Keys.Where(k => !_read.Contains(k));

    private string? Read(string name)
    {
        _read.Add(name);
        return _values.TryGetValue(name, out string? value) ? value : null;
    }
}
