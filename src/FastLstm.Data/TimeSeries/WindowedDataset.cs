using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace FastLstm.Data;

/// <summary>
/// Sliding windows over a time series, materialised as two row-major arrays:
/// <see cref="Inputs"/> (N, lookback, features) and <see cref="Targets"/> (N, horizon, target features),
/// N = <see cref="Count"/>.
/// </summary>
/// <remarks>
/// <para>Window i starts at row s = i·stride: its inputs are rows s … s + lookback − 1 (every column), its
/// targets rows s + lookback … s + lookback + horizon − 1 (the target columns).</para>
/// <para>The engine reads time-major input (T, B, I): <see cref="CopyBatchTimeMajor"/> gathers a batch of
/// windows into caller-owned spans in that layout without allocating.</para>
/// <para>Memory: overlapping windows repeat rows, so the arrays hold about N·(lookback + horizon) rows; a
/// larger stride keeps large series in check.</para>
/// <para>Immutable once created (do not write to the arrays); may be read from several threads at once.</para>
/// </remarks>
public sealed class WindowedDataset
{
    private readonly int[] _targetColumns;
    private readonly string[] _columnNames;

    private WindowedDataset(float[] inputs, float[] targets, int count, WindowOptions options, int[] targetColumns, string[] columnNames, string source)
    {
        Inputs = inputs;
        Targets = targets;
        Count = count;
        Lookback = options.Lookback;
        Horizon = options.Horizon;
        Stride = options.Stride;
        _targetColumns = targetColumns;
        _columnNames = columnNames;
        Source = source;
    }

    /// <summary>The file the windows come from, as the series named it.</summary>
    public string Source { get; }

    /// <summary>N, the number of windows (0 only for an empty part made by <see cref="ForecastingDataset"/>).</summary>
    public int Count { get; }

    /// <summary>Input rows per window (T).</summary>
    public int Lookback { get; }

    /// <summary>Target rows per window.</summary>
    public int Horizon { get; }

    /// <summary>Rows between the starts of consecutive windows.</summary>
    public int Stride { get; }

    /// <summary>Values per input row (I): every column of the series.</summary>
    public int Features => _columnNames.Length;

    /// <summary>Values per target row: the number of target columns.</summary>
    public int TargetFeatures => _targetColumns.Length;

    /// <summary>The names of the input columns.</summary>
    public IReadOnlyList<string> ColumnNames => _columnNames;

    /// <summary>The index, among the input columns, of each target column: pass it to <see cref="Scaler.InverseTransform(Span{float}, ReadOnlySpan{int})"/> to bring forecasts back to the original units.</summary>
    public IReadOnlyList<int> TargetColumnIndices => _targetColumns;

    /// <summary>The input windows, row-major (<see cref="Count"/>, <see cref="Lookback"/>, <see cref="Features"/>).</summary>
    public float[] Inputs { get; }

    /// <summary>The target windows, row-major (<see cref="Count"/>, <see cref="Horizon"/>, <see cref="TargetFeatures"/>).</summary>
    public float[] Targets { get; }

    /// <summary>Cuts <paramref name="series"/> into windows.</summary>
    /// <param name="series">The series, already scaled if it should be.</param>
    /// <param name="options">Lookback, horizon, stride and target columns.</param>
    /// <returns>The windows.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A target column is not in the series; the windows would not fit in one array; or the series was built in memory and is too short for one window.</exception>
    /// <exception cref="DataFormatException">The series was read from a file and has too few rows for one window (names the file, its last line and the column).</exception>
    public static WindowedDataset Create(TimeSeries series, WindowOptions options) => Create(series, options, "the series");

    internal static WindowedDataset Create(TimeSeries series, WindowOptions options, string what)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(options);
        int[] targets = TargetColumnsOf(series, options);
        int count = options.CountWindows(series.Length);
        if (count == 0)
        {
            ThrowTooShort(series, options, what, targets);
        }

        int features = series.Features;
        int lookback = options.Lookback;
        int horizon = options.Horizon;
        long inputLength = (long)count * lookback * features;
        long targetLength = (long)count * horizon * targets.Length;
        if (inputLength > Array.MaxLength || targetLength > Array.MaxLength)
        {
            ThrowHelper.ThrowArgument(
                nameof(options),
                $"Expected windows that fit in one array ({Array.MaxLength} floats); {count} windows of {lookback} rows × {features} columns need {inputLength}. Use a larger stride or a shorter series.");
        }

        var inputs = GC.AllocateUninitializedArray<float>((int)inputLength);
        var targetValues = GC.AllocateUninitializedArray<float>((int)targetLength);
        ReadOnlySpan<float> values = series.Values;
        int inputWindow = lookback * features;        // floats per input window
        int targetWindow = horizon * targets.Length;   // floats per target window
        for (int i = 0; i < count; i++)
        {
            int start = i * options.Stride;
            values.Slice(start * features, inputWindow).CopyTo(inputs.AsSpan(i * inputWindow, inputWindow));
            Span<float> target = targetValues.AsSpan(i * targetWindow, targetWindow);
            for (int h = 0; h < horizon; h++)
            {
                ReadOnlySpan<float> row = values.Slice((start + lookback + h) * features, features);
                for (int k = 0; k < targets.Length; k++)
                {
                    target[(h * targets.Length) + k] = row[targets[k]];
                }
            }
        }

        return new WindowedDataset(inputs, targetValues, count, options, targets, [.. series.ColumnNames], series.Source);
    }

    internal static WindowedDataset Empty(TimeSeries series, WindowOptions options) =>
        new([], [], 0, options, TargetColumnsOf(series, options), [.. series.ColumnNames], series.Source);

    /// <summary>The first row of window <paramref name="window"/> in the series it was cut from: window·stride.</summary>
    /// <param name="window">A window index in [0, <see cref="Count"/>).</param>
    /// <returns>The row index.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside [0, <see cref="Count"/>).</exception>
    public int WindowStart(int window)
    {
        CheckWindow(window, nameof(window));
        return window * Stride;
    }

    /// <summary>
    /// Gathers a batch of windows into time-major spans: inputs (<see cref="Lookback"/>, B, <see cref="Features"/>)
    /// and targets (<see cref="Horizon"/>, B, <see cref="TargetFeatures"/>), B = <paramref name="windows"/>.Length.
    /// Allocates nothing.
    /// </summary>
    /// <param name="windows">The window indices of the batch, in batch order; repeats allowed.</param>
    /// <param name="inputs">Receives the inputs; length Lookback·B·Features.</param>
    /// <param name="targets">Receives the targets; length Horizon·B·TargetFeatures.</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A window index is outside [0, <see cref="Count"/>).</exception>
    public void CopyBatchTimeMajor(ReadOnlySpan<int> windows, Span<float> inputs, Span<float> targets)
    {
        CheckLength(targets.Length, (long)Horizon * windows.Length * TargetFeatures, nameof(targets), "(Horizon, B, TargetFeatures)");
        CopyInputsTimeMajor(windows, inputs);
        TimeMajor(Targets, Horizon, TargetFeatures, windows, targets);
    }

    /// <summary>Gathers the inputs of a batch of windows, time-major (<see cref="Lookback"/>, B, <see cref="Features"/>). Allocates nothing.</summary>
    /// <param name="windows">The window indices of the batch, in batch order.</param>
    /// <param name="inputs">Receives the inputs; length Lookback·B·Features.</param>
    /// <exception cref="ArgumentException">The span has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A window index is outside [0, <see cref="Count"/>).</exception>
    public void CopyInputsTimeMajor(ReadOnlySpan<int> windows, Span<float> inputs)
    {
        CheckLength(inputs.Length, (long)Lookback * windows.Length * Features, nameof(inputs), "(Lookback, B, Features)");
        foreach (int window in windows)
        {
            CheckWindow(window, nameof(windows));
        }

        TimeMajor(Inputs, Lookback, Features, windows, inputs);
    }

    /// <summary>Gathers the targets of a batch of windows, batch-major (B, <see cref="Horizon"/>, <see cref="TargetFeatures"/>), the layout of a dense head's output. Allocates nothing.</summary>
    /// <param name="windows">The window indices of the batch, in batch order.</param>
    /// <param name="targets">Receives the targets; length B·Horizon·TargetFeatures.</param>
    /// <exception cref="ArgumentException">The span has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A window index is outside [0, <see cref="Count"/>).</exception>
    public void CopyTargets(ReadOnlySpan<int> windows, Span<float> targets)
    {
        int window = Horizon * TargetFeatures;
        CheckLength(targets.Length, (long)windows.Length * window, nameof(targets), "(B, Horizon, TargetFeatures)");
        for (int b = 0; b < windows.Length; b++)
        {
            CheckWindow(windows[b], nameof(windows));
            Targets.AsSpan(windows[b] * window, window).CopyTo(targets.Slice(b * window, window));
        }
    }

    private static void TimeMajor(float[] source, int steps, int width, ReadOnlySpan<int> windows, Span<float> destination)
    {
        // source: (N, steps, width) row-major; destination: (steps, B, width). Row t of window b goes to (t·B + b)·width.
        int batch = windows.Length;
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> window = source.AsSpan(windows[b] * steps * width, steps * width);
            for (int t = 0; t < steps; t++)
            {
                window.Slice(t * width, width).CopyTo(destination.Slice(((t * batch) + b) * width, width));
            }
        }
    }

    private static int[] TargetColumnsOf(TimeSeries series, WindowOptions options)
    {
        if (options.TargetColumns is null)
        {
            var all = new int[series.Features];
            for (int c = 0; c < all.Length; c++)
            {
                all[c] = c;
            }

            return all;
        }

        string[] names = [.. series.ColumnNames];
        var indices = new int[options.TargetColumns.Count];
        for (int k = 0; k < indices.Length; k++)
        {
            string name = options.TargetColumns[k];
            indices[k] = Array.IndexOf(names, name);
            if (indices[k] < 0)
            {
                ThrowHelper.ThrowArgument(nameof(options), $"Expected target columns among the series' columns ({string.Join(", ", series.ColumnNames)}); got '{name}'.");
            }
        }

        return indices;
    }

    [DoesNotReturn]
    private static void ThrowTooShort(TimeSeries series, WindowOptions options, string what, int[] targets)
    {
        string need = $"one window needs lookback {options.Lookback} + horizon {options.Horizon} = {options.WindowLength} rows";
        long lastLine = series.LineOf(Math.Max(series.Length - 1, 0));
        if (lastLine <= 0)
        {
            ThrowHelper.ThrowArgument(nameof(series), $"Expected at least {options.WindowLength} rows in {what} ({need}); got {series.Length}.");
        }

        string rows = series.Length == 0
            ? "has no rows"
            : string.Create(CultureInfo.InvariantCulture, $"has only {series.Length} row(s) (lines {series.LineOf(0)} to {lastLine})");
        throw new DataFormatException(series.Source, lastLine, series.ColumnNames[targets[0]], $"too few rows: {what} {rows}, but {need}.");
    }

    private static void CheckLength(int actual, long expected, string paramName, string shape)
    {
        if (actual != expected)
        {
            ThrowHelper.ThrowLength(paramName, expected, actual, shape);
        }
    }

    private void CheckWindow(int window, string paramName)
    {
        if ((uint)window >= (uint)Count)
        {
            ThrowHelper.ThrowOutOfRange(paramName, window, $"window indices in [0, {Count})");
        }
    }
}
