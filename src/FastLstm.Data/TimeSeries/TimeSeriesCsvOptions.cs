namespace FastLstm.Data;

/// <summary>Which columns of a CSV file make a time series, and how to read them.</summary>
/// <remarks>Checked by <see cref="TimeSeriesCsv"/> when a file is loaded. Safe to share between threads once built.</remarks>
public sealed class TimeSeriesCsvOptions
{
    /// <summary>Creates options that read the given value columns.</summary>
    /// <param name="valueColumns">The value columns by header name (exact, case-sensitive), in the order wanted; at least one, no repeats.</param>
    /// <exception cref="ArgumentNullException"><paramref name="valueColumns"/> or one of its names is null.</exception>
    /// <exception cref="ArgumentException">No names, an empty name, or a name given twice.</exception>
    public TimeSeriesCsvOptions(params IReadOnlyList<string> valueColumns)
    {
        ValueColumns = ColumnList.Copy(valueColumns, nameof(valueColumns));
    }

    /// <summary>The value columns, in the order they appear in <see cref="TimeSeries.Values"/> rows.</summary>
    public IReadOnlyList<string> ValueColumns { get; }

    /// <summary>
    /// The time column, or <see langword="null"/> (the default) for none. When set, its values are kept as
    /// <see cref="TimeSeries.TimeLabels"/> (one string per row: leave it unset for very large files) and, with
    /// <see cref="RequireIncreasingTime"/>, checked to increase from row to row.
    /// </summary>
    public string? TimeColumn { get; init; }

    /// <summary>
    /// Whether time stamps must strictly increase down the file (default <see langword="true"/>); a repeat or a
    /// step back is an error naming the line. Stamps compare as numbers when both are numbers, otherwise as text,
    /// which is chronological for ISO 8601 (1949-01, 2000-06-05T00:30). Ignored without <see cref="TimeColumn"/>.
    /// </summary>
    public bool RequireIncreasingTime { get; init; } = true;

    /// <summary>What to do with empty value cells; <see cref="MissingValuePolicy.Error"/> by default.</summary>
    public MissingValuePolicy MissingValues { get; init; } = MissingValuePolicy.Error;

    /// <summary>The field separator, ',' by default.</summary>
    public char Separator { get; init; } = ',';
}
