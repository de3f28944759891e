namespace FastLstm.Data;

/// <summary>
/// Per-column count, mean, sum of squared deviations, minimum and maximum over rows added in any number of
/// pieces, in float64 with Welford's update (stable where the naive sum of squares cancels).
/// </summary>
internal sealed class ColumnStatistics
{
    private readonly double[] _mean;
    private readonly double[] _m2;
    private readonly double[] _min;
    private readonly double[] _max;

    public ColumnStatistics(int columns)
    {
        _mean = new double[columns];
        _m2 = new double[columns];
        _min = new double[columns];
        _max = new double[columns];
        _min.AsSpan().Fill(double.PositiveInfinity);
        _max.AsSpan().Fill(double.NegativeInfinity);
    }

    public long Rows { get; private set; }

    /// <summary>Adds rows of <c>columns</c> values each. Returns the index of the first column holding a value that is not finite, or -1.</summary>
    public int Add(ReadOnlySpan<float> rows)
    {
        int columns = _mean.Length;
        for (int start = 0; start < rows.Length; start += columns)
        {
            ReadOnlySpan<float> row = rows.Slice(start, columns);
            long n = Rows + 1;
            for (int c = 0; c < columns; c++)
            {
                double x = row[c];
                if (!double.IsFinite(x))
                {
                    return c;
                }

                double delta = x - _mean[c];
                _mean[c] += delta / n;
                _m2[c] += delta * (x - _mean[c]);
                _min[c] = Math.Min(_min[c], x);
                _max[c] = Math.Max(_max[c], x);
            }

            Rows = n;
        }

        return -1;
    }

    public double Mean(int column) => _mean[column];

    /// <summary>Population standard deviation (divide by n).</summary>
    public double StandardDeviation(int column) => Math.Sqrt(_m2[column] / Rows);

    public double Min(int column) => _min[column];

    public double Max(int column) => _max[column];
}
