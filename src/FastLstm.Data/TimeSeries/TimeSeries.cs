namespace FastLstm.Data;

/// <summary>
/// A regularly sampled, possibly multivariate time series: <see cref="Length"/> rows of <see cref="Features"/>
/// values, oldest first, in one row-major float array (rows, features).
/// </summary>
/// <remarks>
/// A series loaded by <see cref="TimeSeriesCsv"/> remembers its file and the line of each row, so that later
/// errors (too few rows for a window) name them; so do its slices and split parts. Instances do not copy the
/// arrays given to them or handed out by <see cref="Values"/>: treat those as read-only, and the series may be
/// read from several threads at once.
/// </remarks>
public sealed class TimeSeries
{
    private const string InMemorySource = "(in-memory series)";

    private readonly string[] _columnNames;
    private readonly string[]? _timeLabels;
    private readonly LineMap? _lines;
    private readonly int _firstRow;

    /// <summary>Wraps values already in memory.</summary>
    /// <param name="values">Rows of values, row-major (rows, <paramref name="columnNames"/>.Count); not copied.</param>
    /// <param name="columnNames">One name per column.</param>
    /// <param name="timeLabels">One label per row, or <see langword="null"/>.</param>
    /// <param name="source">A name for messages, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> or <paramref name="columnNames"/> is null.</exception>
    /// <exception cref="ArgumentException">No columns, a repeated name, a length that is not a whole number of rows, or a label count that differs from the row count.</exception>
    public TimeSeries(float[] values, IReadOnlyList<string> columnNames, IReadOnlyList<string>? timeLabels = null, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        string[] names = ColumnList.Copy(columnNames, nameof(columnNames));
        if (values.Length % names.Length != 0)
        {
            ThrowHelper.ThrowArgument(nameof(values), $"Expected a whole number of rows of {names.Length} values; got {values.Length} values.");
        }

        int rows = values.Length / names.Length;
        string[]? labels = null;
        if (timeLabels is not null)
        {
            if (timeLabels.Count != rows)
            {
                ThrowHelper.ThrowArgument(nameof(timeLabels), $"Expected one time label per row ({rows}); got {timeLabels.Count}.");
            }

            labels = [.. timeLabels];
        }

        Values = values;
        _columnNames = names;
        _timeLabels = labels;
        Source = source ?? InMemorySource;
        Length = rows;
    }

    internal TimeSeries(float[] values, string[] columnNames, string[]? timeLabels, string source, LineMap? lines, int firstRow)
    {
        Values = values;
        _columnNames = columnNames;
        _timeLabels = timeLabels;
        Source = source;
        _lines = lines;
        _firstRow = firstRow;
        Length = values.Length / columnNames.Length;
    }

    /// <summary>The file the series was read from (as the caller named it), or a description.</summary>
    public string Source { get; }

    /// <summary>The values, row-major (<see cref="Length"/>, <see cref="Features"/>), oldest row first.</summary>
    public float[] Values { get; }

    /// <summary>The number of rows (time steps).</summary>
    public int Length { get; }

    /// <summary>The number of values per row.</summary>
    public int Features => _columnNames.Length;

    /// <summary>The name of each column, in row order.</summary>
    public IReadOnlyList<string> ColumnNames => _columnNames;

    /// <summary>The time stamp of each row as written in the file, or <see langword="null"/> when there is no time column.</summary>
    public IReadOnlyList<string>? TimeLabels => _timeLabels;

    /// <summary>The index of the column named <paramref name="name"/> (exact, case-sensitive).</summary>
    /// <param name="name">A column name.</param>
    /// <returns>Its index in a row.</returns>
    /// <exception cref="ArgumentException">No column has that name.</exception>
    public int ColumnIndex(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int index = Array.IndexOf(_columnNames, name);
        if (index < 0)
        {
            ThrowHelper.ThrowArgument(nameof(name), $"Expected one of the columns {string.Join(", ", _columnNames)}; got '{name}'.");
        }

        return index;
    }

    /// <summary>The 1-based line of the file where row <paramref name="row"/> of this series is, or 0 when the series was not read from a file.</summary>
    /// <param name="row">A row index of this series.</param>
    /// <returns>The line number, or 0.</returns>
    public long LineOf(int row) => _lines?.LineOf(_firstRow + row) ?? 0;

    /// <summary>A copy of rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>).</summary>
    /// <param name="start">The first row.</param>
    /// <param name="length">The number of rows, possibly 0.</param>
    /// <returns>A new series with its own arrays, remembering the source lines.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside the series.</exception>
    public TimeSeries Slice(int start, int length)
    {
        if ((uint)start > (uint)Length)
        {
            ThrowHelper.ThrowOutOfRange(nameof(start), start, $"a row in [0, {Length}]");
        }

        if ((uint)length > (uint)(Length - start))
        {
            ThrowHelper.ThrowOutOfRange(nameof(length), length, $"a length in [0, {Length - start}] (rows after {start})");
        }

        float[] values = Values.AsSpan(start * Features, length * Features).ToArray();
        string[]? labels = _timeLabels?.AsSpan(start, length).ToArray();
        return new TimeSeries(values, _columnNames, labels, Source, _lines, _firstRow + start);
    }

    /// <summary>Splits the rows chronologically: the first rows train, the next validate, the last test.</summary>
    /// <param name="fractions">The fractions of the split.</param>
    /// <returns>The three parts (copies); a part with fraction 0 has no rows.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="fractions"/> is null.</exception>
    public TimeSeriesSplit Split(SplitFractions fractions)
    {
        ArgumentNullException.ThrowIfNull(fractions);
        (int train, int validation, int test) = fractions.GetCounts(Length);
        return new TimeSeriesSplit(Slice(0, train), Slice(train, validation), Slice(train + validation, test));
    }

    /// <summary>A copy of this series with <paramref name="scaler"/> applied to every row.</summary>
    /// <param name="scaler">A scaler fitted on columns of the same count (normally this series' training part).</param>
    /// <returns>A new series in scaled units.</returns>
    /// <exception cref="ArgumentException">The scaler has a different number of columns.</exception>
    public TimeSeries Scaled(Scaler scaler)
    {
        ArgumentNullException.ThrowIfNull(scaler);
        if (scaler.Features != Features)
        {
            ThrowHelper.ThrowArgument(nameof(scaler), $"Expected a scaler of {Features} columns; got {scaler.Features}.");
        }

        float[] values = (float[])Values.Clone();
        scaler.Transform(values);
        return new TimeSeries(values, _columnNames, _timeLabels, Source, _lines, _firstRow);
    }
}
