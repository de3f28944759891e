using System.Globalization;
using FastLstm.Data;
using FastLstm.Training;
using SequenceDataset = FastLstm.Training.SequenceDataset;

namespace FastLstm.Cli.Tasks.Forecasting;

/// <summary>
/// A series made ready for a forecaster: loaded, transformed (<see cref="SeriesTransform"/>), scaled with statistics of
/// the training rows only, split chronologically, and cut into windows whose targets lie in one part each.
/// </summary>
/// <remarks>
/// Unlike windows cut inside each part, a validation or test window may read inputs from the rows before its part:
/// they are past observations, known when the forecast is made, so nothing leaks; only the targets must be unseen. So a
/// short series (air passengers: 144 rows) keeps every test month as a target even with a 24-month lookback.
/// </remarks>
internal sealed class ForecastProblem
{
    private ForecastProblem(ForecastSpec spec, TimeSeries series, TimeAxis axis, int season, SeriesTransform transform, float[] scaled, Scaler scaler, int[] targetIndices, (int Train, int Validation, int Test) counts)
    {
        Spec = spec;
        Series = series;
        Axis = axis;
        Season = season;
        Transform = transform;
        Scaled = scaled;
        Scaler = scaler;
        TargetIndices = targetIndices;
        TrainEnd = counts.Train;
        ValidationEnd = counts.Train + counts.Validation;
    }

    public ForecastSpec Spec { get; }

    public TimeSeries Series { get; }

    public TimeAxis Axis { get; }

    public int Season { get; }

    public SeriesTransform Transform { get; }

    /// <summary>z scaled, (rows, features); rows before the lag are 0.</summary>
    public float[] Scaled { get; }

    public Scaler Scaler { get; }

    /// <summary>Index in <see cref="ForecastSpec.Columns"/> of each target column.</summary>
    public int[] TargetIndices { get; }

    public int Rows => Series.Length;

    public int Features => Series.Features;

    public int TrainEnd { get; }

    public int ValidationEnd { get; }

    /// <summary>The first row whose target can be formed: lag rows for the transform, then a lookback of inputs.</summary>
    public int FirstTarget => Transform.Lag + Spec.Lookback;

    /// <summary>Loads the CSV named by <paramref name="spec"/> and prepares it.</summary>
    public static ForecastProblem Load(ForecastSpec spec, ScalerState? stored = null)
    {
        var options = new TimeSeriesCsvOptions([.. spec.Columns])
        {
            TimeColumn = spec.TimeColumn,
            MissingValues = spec.Missing,
            // Time labels are kept for pictures and forecasts; their order is the file's.
            RequireIncreasingTime = false,
        };
        TimeSeries series = TimeSeriesCsv.Load(spec.DataPath, options);
        return Prepare(spec, series, stored);
    }

    public static ForecastProblem Prepare(ForecastSpec spec, TimeSeries series, ScalerState? stored = null)
    {
        TimeAxis axis = TimeAxis.From(series.TimeLabels, series.Length);
        int season = spec.Season > 0 ? spec.Season : axis.GuessSeason();
        SeriesTransform transform = SeriesTransform.Resolve(spec.Transform, season, series.Values, series.ColumnNames, Path.GetFileName(spec.DataPath));
        int[] targets = [.. spec.Targets.Select(series.ColumnIndex)];
        (int Train, int Validation, int Test) counts = spec.Split.GetCounts(series.Length);
        CheckLengths(spec, series, transform, counts);

        float[] z = transform.Forward(series.Values, series.Features);
        int lag = transform.Lag;
        Scaler scaler = stored is not null
            ? Scaler.FromState(stored)
            : Scaler.Fit(spec.Scaling, z.AsSpan(lag * series.Features, (counts.Train - lag) * series.Features), series.ColumnNames);
        if (scaler.Features != series.Features)
        {
            throw new InvalidDataException($"the model file's scaler has {scaler.Features} columns; the series has {series.Features}.");
        }

        scaler.Transform(z.AsSpan(lag * series.Features));
        return new ForecastProblem(spec with { Transform = transform.Code(season), Season = season }, series, axis, season, transform, z, scaler, targets, counts);
    }

    private static void CheckLengths(ForecastSpec spec, TimeSeries series, SeriesTransform transform, (int Train, int Validation, int Test) counts)
    {
        int first = transform.Lag + spec.Lookback;
        string name = Path.GetFileName(spec.DataPath);
        int trainWindows = counts.Train - first - spec.Horizon + 1;
        if (trainWindows < 2)
        {
            throw CliException.Usage(string.Create(CultureInfo.InvariantCulture,
                $"{name} has {series.Length} rows and its training part {counts.Train}: too few for lookback {spec.Lookback} + horizon {spec.Horizon}{(transform.Lag > 0 ? $" after a lag of {transform.Lag} for --transform {transform.Code(spec.Season)}" : "")}; use a smaller --lookback, --horizon or a larger training --split."));
        }

        if (counts.Test > 0 && counts.Test < spec.Horizon)
        {
            throw CliException.Usage(string.Create(CultureInfo.InvariantCulture,
                $"the test part of {name} has {counts.Test} rows, fewer than --horizon {spec.Horizon}; use a larger test --split or a smaller --horizon."));
        }
    }

    /// <summary>The rows t (first target row) of the windows whose targets lie in [start, end).</summary>
    public int[] Origins(int start, int end)
    {
        int from = Math.Max(start, FirstTarget);
        int to = end - Spec.Horizon;
        return to < from ? [] : [.. Enumerable.Range(from, to - from + 1)];
    }

    public int[] TrainOrigins() => Origins(0, TrainEnd);

    public int[] ValidationOrigins() => Origins(TrainEnd, ValidationEnd);

    public int[] TestOrigins() => Origins(ValidationEnd, Rows);

    /// <summary>Many-to-one training data: inputs (N, lookback, F) of scaled z, targets (N, horizon·K).</summary>
    public SequenceDataset Windows(int[] origins)
    {
        int lookback = Spec.Lookback;
        int horizon = Spec.Horizon;
        int features = Features;
        int k = TargetIndices.Length;
        var inputs = new float[origins.Length * lookback * features];
        var targets = new float[origins.Length * horizon * k];
        for (int n = 0; n < origins.Length; n++)
        {
            int t = origins[n];
            Scaled.AsSpan((t - lookback) * features, lookback * features).CopyTo(inputs.AsSpan(n * lookback * features));
            for (int h = 0; h < horizon; h++)
            {
                for (int j = 0; j < k; j++)
                {
                    targets[(((n * horizon) + h) * k) + j] = Scaled[((t + h) * features) + TargetIndices[j]];
                }
            }
        }

        return new SequenceDataset(inputs, targets, origins.Length, lookback, features, horizon * k, targetsPerStep: false);
    }

    /// <summary>The actual value of target j at row t, in original units.</summary>
    public double Actual(int t, int j) => Series.Values[(t * Features) + TargetIndices[j]];
}
