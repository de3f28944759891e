using System.Globalization;

namespace FastLstm.Data;

/// <summary>
/// A time series made ready for forecasting: split chronologically, scaled with statistics fitted on the
/// training part only, and cut into windows part by part.
/// </summary>
/// <remarks>
/// <para>Windows never cross a split boundary: every window of a part lies inside that part, so validation and
/// test inputs are never seen in training. Each part needs at least lookback + horizon rows (a part with
/// fraction 0 has no rows and no windows).</para>
/// <para>Store <see cref="Scaler"/>'s <see cref="Scaler.State"/> with the model; bring forecasts back to the
/// original units with <c>Scaler.InverseTransform(forecast, Train.TargetColumnIndices)</c>.</para>
/// <para>Immutable once created; may be read from several threads at once.</para>
/// </remarks>
public sealed class ForecastingDataset
{
    private ForecastingDataset(TimeSeriesSplit parts, Scaler scaler, WindowOptions windows, WindowedDataset train, WindowedDataset validation, WindowedDataset test)
    {
        Parts = parts;
        Scaler = scaler;
        Windows = windows;
        Train = train;
        Validation = validation;
        Test = test;
    }

    /// <summary>The three parts of the series, scaled.</summary>
    public TimeSeriesSplit Parts { get; }

    /// <summary>The scaler, fitted on the training part only.</summary>
    public Scaler Scaler { get; }

    /// <summary>The window options used for every part.</summary>
    public WindowOptions Windows { get; }

    /// <summary>Windows of the training part.</summary>
    public WindowedDataset Train { get; }

    /// <summary>Windows of the validation part (none when its fraction is 0).</summary>
    public WindowedDataset Validation { get; }

    /// <summary>Windows of the test part (none when its fraction is 0).</summary>
    public WindowedDataset Test { get; }

    /// <summary>Splits, scales and windows <paramref name="series"/>.</summary>
    /// <param name="series">The series in original units.</param>
    /// <param name="split">The chronological split fractions.</param>
    /// <param name="scaling">The kind of scaling, fitted on the training part.</param>
    /// <param name="windows">Lookback, horizon, stride and target columns.</param>
    /// <returns>The prepared data set.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A target column is not in the series, or (for a series built in memory) a part with rows is too short for one window.</exception>
    /// <exception cref="DataFormatException">A part with rows is too short for one window (names the file, the part's last line and the column).</exception>
    public static ForecastingDataset Create(TimeSeries series, SplitFractions split, ScalerKind scaling, WindowOptions windows)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(windows);
        if (series.Length == 0)
        {
            ThrowHelper.ThrowArgument(nameof(series), "Expected a series with rows; got none.");
        }

        TimeSeriesSplit raw = series.Split(split);
        Scaler scaler = Scaler.Fit(scaling, raw.Train.Values, series.ColumnNames);
        var parts = new TimeSeriesSplit(raw.Train.Scaled(scaler), raw.Validation.Scaled(scaler), raw.Test.Scaled(scaler));
        WindowedDataset train = WindowedDataset.Create(parts.Train, windows, Describe("training", split.Train));
        WindowedDataset validation = parts.Validation.Length == 0
            ? WindowedDataset.Empty(parts.Validation, windows)
            : WindowedDataset.Create(parts.Validation, windows, Describe("validation", split.Validation));
        WindowedDataset test = parts.Test.Length == 0
            ? WindowedDataset.Empty(parts.Test, windows)
            : WindowedDataset.Create(parts.Test, windows, Describe("test", split.Test));
        return new ForecastingDataset(parts, scaler, windows, train, validation, test);
    }

    private static string Describe(string part, double fraction) =>
        string.Create(CultureInfo.InvariantCulture, $"the {part} part ({fraction:0.###} of the rows)");
}
