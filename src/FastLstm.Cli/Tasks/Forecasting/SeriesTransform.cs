using System.Globalization;

namespace FastLstm.Cli.Tasks.Forecasting;

/// <summary>
/// What the network sees instead of the raw series: optionally the log of each value, then optionally its difference
/// to the value <see cref="Lag"/> rows earlier: z(t) = g(y(t)) − g(y(t − lag)), g = log or identity (lag 0: z(t) = g(y(t))).
/// </summary>
/// <remarks>
/// A seasonal difference (lag = season) turns a trending, seasonal series such as air passengers into its
/// year-over-year growth, which is nearly stationary; a network predicting z = 0 reproduces the seasonal naive
/// forecast, so it only has to learn how this year's growth differs from last year's. Values are inverted with the
/// actual earlier value when known, else with the forecast of it (multi-step). Computed in float64.
/// </remarks>
internal sealed record SeriesTransform(bool Log, int Lag)
{
    /// <summary>The codes accepted by --transform.</summary>
    public static readonly string[] Codes = ["auto", "none", "log", "diff", "log-diff", "seasonal-diff", "log-seasonal-diff"];

    /// <summary>The code of this transform, as --transform spells it and the model file stores it.</summary>
    public string Code(int season) => (Log, Lag) switch
    {
        (false, 0) => "none",
        (true, 0) => "log",
        (false, 1) => "diff",
        (true, 1) => "log-diff",
        (false, _) when Lag == season => "seasonal-diff",
        (true, _) when Lag == season => "log-seasonal-diff",
        _ => string.Create(CultureInfo.InvariantCulture, $"{(Log ? "log-" : "")}lag-{Lag}"),
    };

    /// <summary>A phrase for people, e.g. "log, then difference to 12 rows earlier".</summary>
    public string Describe() => (Log, Lag) switch
    {
        (false, 0) => "none (raw values)",
        (true, 0) => "log",
        _ => (Log ? "log, then " : "") + (Lag == 1 ? "difference to the previous row" : string.Create(CultureInfo.InvariantCulture, $"difference to {Lag} rows earlier (seasonal)")),
    };

    /// <summary>Resolves a --transform code; "auto" takes the log when every value is positive and the seasonal difference when the season is above 1, else the first difference.</summary>
    /// <exception cref="CliException">An unknown code, or a log of a series with values ≤ 0.</exception>
    public static SeriesTransform Resolve(string code, int season, ReadOnlySpan<float> values, IReadOnlyList<string> columns, string source)
    {
        bool positive = true;
        int firstBad = -1;
        for (int i = 0; i < values.Length; i++)
        {
            if (!(values[i] > 0f))
            {
                positive = false;
                firstBad = i;
                break;
            }
        }

        int seasonalLag = season > 1 ? season : 1;
        SeriesTransform transform = code switch
        {
            "auto" => new SeriesTransform(positive, seasonalLag),
            "none" => new SeriesTransform(false, 0),
            "log" => new SeriesTransform(true, 0),
            "diff" => new SeriesTransform(false, 1),
            "log-diff" => new SeriesTransform(true, 1),
            "seasonal-diff" => new SeriesTransform(false, seasonalLag),
            "log-seasonal-diff" => new SeriesTransform(true, seasonalLag),
            _ => throw CliException.Usage($"--transform must be one of {string.Join(", ", Codes)}; got '{code}'."),
        };

        if (transform.Log && !positive)
        {
            int row = firstBad / columns.Count;
            string column = columns[firstBad % columns.Count];
            throw CliException.Usage(string.Create(CultureInfo.InvariantCulture,
                $"--transform {code} takes the log, but {source} column '{column}' has {values[firstBad]} (≤ 0) in data row {row + 1}; use --transform diff or seasonal-diff."));
        }

        return transform;
    }

    /// <summary>Restores a transform from its code and season (as stored in a model file).</summary>
    public static SeriesTransform FromCode(string code, int season)
    {
        int lag = season > 1 ? season : 1;
        return code switch
        {
            "none" => new SeriesTransform(false, 0),
            "log" => new SeriesTransform(true, 0),
            "diff" => new SeriesTransform(false, 1),
            "log-diff" => new SeriesTransform(true, 1),
            "seasonal-diff" => new SeriesTransform(false, lag),
            "log-seasonal-diff" => new SeriesTransform(true, lag),
            _ => throw new InvalidDataException($"the model file names an unknown transform '{code}'."),
        };
    }

    /// <summary>z (rows, features) from y; rows before <see cref="Lag"/> have no value and are set to 0 (never read).</summary>
    public float[] Forward(ReadOnlySpan<float> y, int features)
    {
        var z = new float[y.Length];
        int rows = y.Length / features;
        for (int t = Lag; t < rows; t++)
        {
            for (int c = 0; c < features; c++)
            {
                double value = G(y[(t * features) + c]);
                double previous = Lag == 0 ? 0.0 : G(y[((t - Lag) * features) + c]);
                z[(t * features) + c] = (float)(value - previous);
            }
        }

        return z;
    }

    /// <summary>y(t) from z(t) and y(t − lag) (ignored when the lag is 0).</summary>
    public double Inverse(double z, double earlier)
    {
        double g = z + (Lag == 0 ? 0.0 : G(earlier));
        return Log ? Math.Exp(g) : g;
    }

    private double G(double value) => Log ? Math.Log(value) : value;
}
