namespace FastLstm.Data;

/// <summary>
/// Per-column scaling fitted on training data only and applied to every part, with its inverse so that
/// predictions come back in the original units.
/// </summary>
/// <remarks>
/// <para>Formula, for column c: x' = (x − offset[c]) / scale[c]; inverse x = x'·scale[c] + offset[c], both
/// evaluated in float64 and rounded to float32 once.</para>
/// <para><see cref="ScalerKind.ZScore"/>: offset = mean, scale = population standard deviation.
/// <see cref="ScalerKind.MinMax"/>: offset = minimum, scale = maximum − minimum. A constant column (scale 0)
/// gets scale 1, as in scikit-learn, so it maps to 0 instead of NaN.</para>
/// <para>Data is laid out as rows of values, row-major: (rows, columns). NaN and infinities are refused by
/// <see cref="Fit(ScalerKind, ReadOnlySpan{float}, IReadOnlyList{string})"/>; <c>Transform</c> passes them
/// through (NaN stays NaN).</para>
/// <para>A fitted scaler is immutable and may be used from several threads at once; the spans it transforms
/// belong to the caller.</para>
/// </remarks>
public sealed class Scaler
{
    private readonly double[] _offsets;
    private readonly double[] _scales;

    private Scaler(ScalerState state)
    {
        State = state;
        _offsets = state.OffsetArray;
        _scales = state.ScaleArray;
    }

    /// <summary>The fitted statistics, for storing with a model.</summary>
    public ScalerState State { get; }

    /// <summary>How the statistics were fitted.</summary>
    public ScalerKind Kind => State.Kind;

    /// <summary>The number of columns.</summary>
    public int Features => _offsets.Length;

    /// <summary>The column names, in column order.</summary>
    public IReadOnlyList<string> ColumnNames => State.ColumnNames;

    /// <summary>Fits the statistics of each column of <paramref name="data"/>, laid out (rows, columns).</summary>
    /// <param name="kind">The kind of scaling.</param>
    /// <param name="data">The training rows only, row-major; at least one row.</param>
    /// <param name="columnNames">One name per column; its count sets the number of columns.</param>
    /// <returns>The fitted scaler.</returns>
    /// <exception cref="ArgumentException">No columns, no rows, a length that is not a whole number of rows, or a value that is not finite.</exception>
    public static Scaler Fit(ScalerKind kind, ReadOnlySpan<float> data, IReadOnlyList<string> columnNames)
    {
        ArgumentNullException.ThrowIfNull(columnNames);
        ColumnStatistics statistics = NewStatistics(kind, columnNames);
        CheckRows(data.Length, columnNames.Count, nameof(data));
        AddOrThrow(statistics, data, columnNames, nameof(data));
        return FromStatistics(kind, statistics, columnNames, nameof(data));
    }

    /// <summary>Fits the statistics over rows held in several arrays (such as the sequences of several cases).</summary>
    /// <param name="kind">The kind of scaling.</param>
    /// <param name="parts">Arrays of whole rows, each laid out (rows, columns); together at least one row.</param>
    /// <param name="columnNames">One name per column.</param>
    /// <returns>The fitted scaler.</returns>
    /// <exception cref="ArgumentException">As for the span overload, for any part.</exception>
    public static Scaler Fit(ScalerKind kind, IEnumerable<float[]> parts, IReadOnlyList<string> columnNames)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(columnNames);
        ColumnStatistics statistics = NewStatistics(kind, columnNames);
        foreach (float[] part in parts)
        {
            ArgumentNullException.ThrowIfNull(part, nameof(parts));
            CheckRows(part.Length, columnNames.Count, nameof(parts));
            AddOrThrow(statistics, part, columnNames, nameof(parts));
        }

        return FromStatistics(kind, statistics, columnNames, nameof(parts));
    }

    /// <summary>Recreates a scaler from stored statistics.</summary>
    /// <param name="state">The statistics, as <see cref="State"/> gave them.</param>
    /// <returns>A scaler that transforms exactly as the one that was stored.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="state"/> is null.</exception>
    public static Scaler FromState(ScalerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new Scaler(state);
    }

    /// <summary>Scales rows of all <see cref="Features"/> columns in place: x' = (x − offset) / scale.</summary>
    /// <param name="data">Rows, laid out (rows, <see cref="Features"/>).</param>
    /// <exception cref="ArgumentException">The length is not a whole number of rows.</exception>
    public void Transform(Span<float> data)
    {
        CheckRows(data.Length, Features, nameof(data));
        int columns = Features;
        for (int start = 0; start < data.Length; start += columns)
        {
            Span<float> row = data.Slice(start, columns);
            for (int c = 0; c < row.Length; c++)
            {
                row[c] = (float)((row[c] - _offsets[c]) / _scales[c]);
            }
        }
    }

    /// <summary>Scales rows that hold a subset of the columns, in place.</summary>
    /// <param name="data">Rows, laid out (rows, <paramref name="columns"/>.Length); value k of a row is column <paramref name="columns"/>[k].</param>
    /// <param name="columns">The scaler column of each value of a row, such as <see cref="WindowedDataset.TargetColumnIndices"/>.</param>
    /// <exception cref="ArgumentException">No columns, a length that is not a whole number of rows.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A column index is outside [0, <see cref="Features"/>).</exception>
    public void Transform(Span<float> data, ReadOnlySpan<int> columns)
    {
        CheckColumns(data.Length, columns);
        for (int start = 0; start < data.Length; start += columns.Length)
        {
            Span<float> row = data.Slice(start, columns.Length);
            for (int k = 0; k < row.Length; k++)
            {
                int c = columns[k];
                row[k] = (float)((row[k] - _offsets[c]) / _scales[c]);
            }
        }
    }

    /// <summary>Maps scaled rows back to the original units in place: x = x'·scale + offset.</summary>
    /// <param name="data">Rows, laid out (rows, <see cref="Features"/>).</param>
    /// <exception cref="ArgumentException">The length is not a whole number of rows.</exception>
    public void InverseTransform(Span<float> data)
    {
        CheckRows(data.Length, Features, nameof(data));
        int columns = Features;
        for (int start = 0; start < data.Length; start += columns)
        {
            Span<float> row = data.Slice(start, columns);
            for (int c = 0; c < row.Length; c++)
            {
                row[c] = (float)((row[c] * _scales[c]) + _offsets[c]);
            }
        }
    }

    /// <summary>Maps scaled rows that hold a subset of the columns (such as forecast targets) back to the original units, in place.</summary>
    /// <param name="data">Rows, laid out (rows, <paramref name="columns"/>.Length); value k of a row is column <paramref name="columns"/>[k].</param>
    /// <param name="columns">The scaler column of each value of a row, such as <see cref="WindowedDataset.TargetColumnIndices"/>.</param>
    /// <exception cref="ArgumentException">No columns, a length that is not a whole number of rows.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A column index is outside [0, <see cref="Features"/>).</exception>
    public void InverseTransform(Span<float> data, ReadOnlySpan<int> columns)
    {
        CheckColumns(data.Length, columns);
        for (int start = 0; start < data.Length; start += columns.Length)
        {
            Span<float> row = data.Slice(start, columns.Length);
            for (int k = 0; k < row.Length; k++)
            {
                int c = columns[k];
                row[k] = (float)((row[k] * _scales[c]) + _offsets[c]);
            }
        }
    }

    private static ColumnStatistics NewStatistics(ScalerKind kind, IReadOnlyList<string> columnNames)
    {
        if (!Enum.IsDefined(kind))
        {
            ThrowHelper.ThrowOutOfRange(nameof(kind), kind, "a defined ScalerKind");
        }

        if (columnNames.Count == 0)
        {
            ThrowHelper.ThrowArgument(nameof(columnNames), "Expected at least one column; got 0.");
        }

        return new ColumnStatistics(columnNames.Count);
    }

    private static void AddOrThrow(ColumnStatistics statistics, ReadOnlySpan<float> rows, IReadOnlyList<string> columnNames, string paramName)
    {
        int bad = statistics.Add(rows);
        if (bad >= 0)
        {
            ThrowHelper.ThrowArgument(paramName, $"Expected finite values; column '{columnNames[bad]}' holds NaN or an infinity.");
        }
    }

    private static Scaler FromStatistics(ScalerKind kind, ColumnStatistics statistics, IReadOnlyList<string> columnNames, string paramName)
    {
        if (statistics.Rows == 0)
        {
            ThrowHelper.ThrowArgument(paramName, "Expected at least one row to fit on; got 0.");
        }

        int columns = columnNames.Count;
        var offsets = new double[columns];
        var scales = new double[columns];
        for (int c = 0; c < columns; c++)
        {
            (offsets[c], scales[c]) = kind switch
            {
                ScalerKind.ZScore => (statistics.Mean(c), statistics.StandardDeviation(c)),
                ScalerKind.MinMax => (statistics.Min(c), statistics.Max(c) - statistics.Min(c)),
                _ => (0.0, 1.0),
            };

            // A constant column: keep it finite (maps to 0) rather than dividing by zero.
            if (!(scales[c] > 0.0) || !double.IsFinite(scales[c]))
            {
                scales[c] = 1.0;
            }
        }

        return new Scaler(new ScalerState(kind, columnNames, offsets, scales));
    }

    private static void CheckRows(int length, int columns, string paramName)
    {
        if (length % columns != 0)
        {
            ThrowHelper.ThrowArgument(paramName, $"Expected a whole number of rows of {columns} values; got {length} values.");
        }
    }

    private void CheckColumns(int length, ReadOnlySpan<int> columns)
    {
        if (columns.IsEmpty)
        {
            ThrowHelper.ThrowArgument(nameof(columns), "Expected at least one column index; got none.");
        }

        foreach (int c in columns)
        {
            if ((uint)c >= (uint)Features)
            {
                ThrowHelper.ThrowOutOfRange(nameof(columns), c, $"column indices in [0, {Features})");
            }
        }

        CheckRows(length, columns.Length, "data");
    }
}
