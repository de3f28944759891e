namespace FastLstm.Data;

/// <summary>
/// Reads a time series from a CSV file: a header row, an optional time column, and one or more value columns
/// chosen by name.
/// </summary>
/// <remarks>
/// <para>The file is streamed with CsvHelper one record at a time and each number is parsed straight from the
/// bytes of its field (invariant culture, '.' decimal point), so a file of any size costs about its values as
/// floats, never its text as strings. Keeping a <see cref="TimeSeriesCsvOptions.TimeColumn"/> adds one string per row.</para>
/// <para>Every problem is a <see cref="DataFormatException"/> naming the file, the 1-based line and the column:
/// a missing column, text (or NaN, infinity, a value out of float range) in a value field, an empty cell (unless
/// <see cref="TimeSeriesCsvOptions.MissingValues"/> says how to fill it), a ragged row (any column), a time stamp
/// that does not increase, a file with no data rows. Blank lines are skipped.</para>
/// <para>Thread-safe: each call reads on its own.</para>
/// </remarks>
public static class TimeSeriesCsv
{
    /// <summary>Reads the series in the file at <paramref name="path"/>.</summary>
    /// <param name="path">A CSV file, UTF-8 (or UTF-16/32 with a byte order mark).</param>
    /// <param name="options">The columns to read.</param>
    /// <returns>The series, with <see cref="TimeSeries.Source"/> = <paramref name="path"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The path is empty, or the options name the time column among the value columns.</exception>
    /// <exception cref="IOException">The file cannot be read (<see cref="FileNotFoundException"/> when it does not exist).</exception>
    /// <exception cref="DataFormatException">The file is not a valid series (the message names the file, line and column).</exception>
    public static TimeSeries Load(string path, TimeSeriesCsvOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        CheckOptions(options);
        using CsvSource csv = CsvSource.OpenFile(path, options.Separator);
        return Read(csv, options);
    }

    /// <summary>Reads a series from a stream, such as standard input.</summary>
    /// <param name="stream">CSV text, UTF-8 (or UTF-16/32 with a byte order mark); left open.</param>
    /// <param name="sourceName">The name that messages and <see cref="TimeSeries.Source"/> give the stream.</param>
    /// <param name="options">The columns to read.</param>
    /// <returns>The series.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The name is empty, or the options name the time column among the value columns.</exception>
    /// <exception cref="DataFormatException">The text is not a valid series.</exception>
    public static TimeSeries Load(Stream stream, string sourceName, TimeSeriesCsvOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        CheckOptions(options);
        using CsvSource csv = CsvSource.OpenStream(stream, sourceName, options.Separator, leaveOpen: true);
        return Read(csv, options);
    }

    private static void CheckOptions(TimeSeriesCsvOptions options)
    {
        if (options.TimeColumn is not null && options.ValueColumns.Contains(options.TimeColumn))
        {
            ThrowHelper.ThrowArgument(nameof(options), $"Expected the time column '{options.TimeColumn}' not to be a value column too.");
        }

        if (!Enum.IsDefined(options.MissingValues))
        {
            ThrowHelper.ThrowOutOfRange(nameof(options), options.MissingValues, "a defined MissingValuePolicy");
        }
    }

    private static TimeSeries Read(CsvSource csv, TimeSeriesCsvOptions options)
    {
        string[] names = [.. options.ValueColumns];
        var columns = new int[names.Length];
        for (int k = 0; k < columns.Length; k++)
        {
            columns[k] = csv.Column(names[k]);
        }

        int timeColumn = options.TimeColumn is null ? -1 : csv.Column(options.TimeColumn);
        bool checkTime = timeColumn >= 0 && options.RequireIncreasingTime;
        bool fillGaps = options.MissingValues != MissingValuePolicy.Error;

        var values = new FloatBuilder();
        List<string>? times = timeColumn >= 0 ? [] : null;
        var lines = new LineMap();
        string? previousTime = null;
        bool anyMissing = false;
        int row = 0;
        while (csv.Read())
        {
            if (row == int.MaxValue)
            {
                csv.Fail(columns[0], $"more than {int.MaxValue} rows; split the file.");
            }

            lines.Add(row, csv.Line);
            if (times is not null)
            {
                string time = csv.ReadString(timeColumn);
                if (checkTime && previousTime is not null)
                {
                    int order = ValueOrder.Compare(previousTime, time);
                    if (order >= 0)
                    {
                        csv.Fail(
                            timeColumn,
                            order == 0
                                ? $"time '{time}' repeats the row before; rows must be in strictly increasing time order."
                                : $"time '{time}' comes before '{previousTime}' on the row before; rows must be in strictly increasing time order.");
                    }
                }

                times.Add(time);
                previousTime = time;
            }

            for (int k = 0; k < columns.Length; k++)
            {
                if (csv.TryReadFloat(columns[k], out float value))
                {
                    values.Add(value);
                }
                else if (fillGaps)
                {
                    values.Add(float.NaN);
                    anyMissing = true;
                }
                else
                {
                    csv.Fail(columns[k], "empty cell: expected a number (a MissingValuePolicy can fill gaps instead).");
                }
            }

            row++;
        }

        if (row == 0)
        {
            throw new DataFormatException(csv.Name, 2, names[0], "no data rows after the header.");
        }

        float[] data = values.ToArray(csv.Name);
        var series = new TimeSeries(data, names, times?.ToArray(), csv.Name, lines, firstRow: 0);
        if (anyMissing)
        {
            FillGaps(series, options.MissingValues);
        }

        return series;
    }

    /// <summary>Replaces the NaN left for empty cells, column by column, as <paramref name="policy"/> says.</summary>
    private static void FillGaps(TimeSeries series, MissingValuePolicy policy)
    {
        float[] data = series.Values;
        int features = series.Features;
        int rows = series.Length;
        for (int c = 0; c < features; c++)
        {
            int first = -1;
            for (int r = 0; r < rows; r++)
            {
                if (!float.IsNaN(data[(r * features) + c]))
                {
                    first = r;
                    break;
                }
            }

            if (first < 0)
            {
                throw new DataFormatException(
                    series.Source, series.LineOf(0), series.ColumnNames[c], $"every cell of the column is empty (lines {series.LineOf(0)} to {series.LineOf(rows - 1)}), so there is nothing to fill gaps from.");
            }

            // Before the first value: the first value.
            for (int r = 0; r < first; r++)
            {
                data[(r * features) + c] = data[(first * features) + c];
            }

            int last = first; // the last row with a value
            for (int r = first + 1; r < rows; r++)
            {
                float value = data[(r * features) + c];
                if (!float.IsNaN(value))
                {
                    if (policy == MissingValuePolicy.LinearInterpolation && r - last > 1)
                    {
                        double from = data[(last * features) + c];
                        double step = (value - from) / (r - last);
                        for (int g = last + 1; g < r; g++)
                        {
                            data[(g * features) + c] = (float)(from + (step * (g - last)));
                        }
                    }

                    last = r;
                }
                else if (policy == MissingValuePolicy.ForwardFill)
                {
                    data[(r * features) + c] = data[(last * features) + c];
                    last = r;
                }
            }

            // After the last value (interpolation only leaves these): the last value.
            for (int r = last + 1; r < rows; r++)
            {
                data[(r * features) + c] = data[(last * features) + c];
            }
        }
    }
}
