namespace FastLstm.Data;

/// <summary>
/// How a time series is cut into sliding windows: <see cref="Lookback"/> input rows followed by
/// <see cref="Horizon"/> target rows, one window every <see cref="Stride"/> rows.
/// </summary>
/// <remarks>Immutable, validated by the constructor; safe to share between threads.</remarks>
public sealed class WindowOptions
{
    private readonly string[]? _targetColumns;

    /// <summary>Creates window options.</summary>
    /// <param name="lookback">Input rows per window (the sequence length T the network reads), at least 1.</param>
    /// <param name="horizon">Target rows per window (steps to forecast), at least 1.</param>
    /// <param name="stride">Rows between the starts of consecutive windows, at least 1.</param>
    /// <param name="targetColumns">The columns to forecast, by name; <see langword="null"/> (the default) for every column.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lookback"/>, <paramref name="horizon"/> or <paramref name="stride"/> is less than 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="targetColumns"/> is empty, or has an empty or repeated name.</exception>
    public WindowOptions(int lookback, int horizon = 1, int stride = 1, IReadOnlyList<string>? targetColumns = null)
    {
        ThrowHelper.ThrowIfLessThan(lookback, 1, nameof(lookback));
        ThrowHelper.ThrowIfLessThan(horizon, 1, nameof(horizon));
        ThrowHelper.ThrowIfLessThan(stride, 1, nameof(stride));
        if ((long)lookback + horizon > int.MaxValue)
        {
            ThrowHelper.ThrowOutOfRange(nameof(horizon), horizon, $"lookback + horizon ≤ {int.MaxValue}");
        }

        Lookback = lookback;
        Horizon = horizon;
        Stride = stride;
        _targetColumns = targetColumns is null ? null : ColumnList.Copy(targetColumns, nameof(targetColumns));
    }

    /// <summary>Input rows per window.</summary>
    public int Lookback { get; }

    /// <summary>Target rows per window, the rows right after the input rows.</summary>
    public int Horizon { get; }

    /// <summary>Rows between the starts of consecutive windows.</summary>
    public int Stride { get; }

    /// <summary>The rows one window spans: <see cref="Lookback"/> + <see cref="Horizon"/>.</summary>
    public int WindowLength => Lookback + Horizon;

    /// <summary>The columns to forecast, or <see langword="null"/> for every column.</summary>
    public IReadOnlyList<string>? TargetColumns => _targetColumns;

    /// <summary>The number of windows in <paramref name="rows"/> rows: ⌊(rows − lookback − horizon) / stride⌋ + 1, or 0 when a window does not fit.</summary>
    /// <param name="rows">The length of the series.</param>
    /// <returns>The window count.</returns>
    public int CountWindows(int rows) => rows < WindowLength ? 0 : ((rows - WindowLength) / Stride) + 1;
}
