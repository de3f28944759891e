namespace FastLstm.Data.Tests;

public sealed class WindowedDatasetTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A series whose value at (row r, column c) is 100·r + c, so every copied value tells where it came from.</summary>
    private static TimeSeries Numbered(int rows, int columns)
    {
        var values = new float[rows * columns];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                values[(r * columns) + c] = (100 * r) + c;
            }
        }

        return new TimeSeries(values, [.. Enumerable.Range(0, columns).Select(c => $"c{c}")]);
    }

    [Theory]
    [InlineData(20, 5, 1, 1, 15)]
    [InlineData(20, 5, 3, 1, 13)]
    [InlineData(20, 5, 3, 4, 4)]   // starts 0, 4, 8, 12; a start at 16 would need rows up to 23
    [InlineData(8, 5, 3, 2, 1)]    // exactly one window
    [InlineData(9, 5, 3, 2, 1)]
    [InlineData(10, 5, 3, 2, 2)]
    public void Create_CountsWindowsAsFloorOfRemainingRowsOverStridePlusOne(int rows, int lookback, int horizon, int stride, int expected)
    {
        WindowedDataset windows = WindowedDataset.Create(Numbered(rows, 2), new WindowOptions(lookback, horizon, stride));

        Assert.Equal(expected, windows.Count);
        Assert.Equal(expected * lookback * 2, windows.Inputs.Length);
        Assert.Equal(expected * horizon * 2, windows.Targets.Length);
    }

    [Fact]
    public void Create_InputsAndTargetsHoldTheRowsOfEachWindow()
    {
        const int Lookback = 4, Horizon = 2, Stride = 3, Columns = 3;
        TimeSeries series = Numbered(20, Columns);

        WindowedDataset windows = WindowedDataset.Create(series, new WindowOptions(Lookback, Horizon, Stride));

        Assert.Equal(5, windows.Count);
        for (int i = 0; i < windows.Count; i++)
        {
            int start = windows.WindowStart(i);
            Assert.Equal(i * Stride, start);
            for (int t = 0; t < Lookback; t++)
            {
                for (int c = 0; c < Columns; c++)
                {
                    Assert.Equal((100 * (start + t)) + c, windows.Inputs[(((i * Lookback) + t) * Columns) + c]);
                }
            }

            for (int h = 0; h < Horizon; h++)
            {
                for (int c = 0; c < Columns; c++)
                {
                    Assert.Equal((100 * (start + Lookback + h)) + c, windows.Targets[(((i * Horizon) + h) * Columns) + c]);
                }
            }
        }
    }

    [Fact]
    public void Create_TargetColumns_SelectsAndOrdersTheTargets()
    {
        WindowedDataset windows = WindowedDataset.Create(Numbered(10, 3), new WindowOptions(2, 1, 1, ["c2", "c0"]));

        Assert.Equal(3, windows.Features);
        Assert.Equal(2, windows.TargetFeatures);
        Assert.Equal([2, 0], windows.TargetColumnIndices);
        // Window 0's target is row 2: c2 = 202, c0 = 200.
        Assert.Equal(new float[] { 202f, 200f }, windows.Targets[..2]);
    }

    [Fact]
    public void Create_UnknownTargetColumn_ThrowsArgumentException()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => WindowedDataset.Create(Numbered(10, 1), new WindowOptions(2, 1, 1, ["nope"])));

        Assert.Equal("options", e.ParamName);
        Assert.Contains("'nope'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_AirPassengersTwelveMonthsLookback_GivesWindowsOfAYearAndTheNextMonth()
    {
        TimeSeries series = TimeSeriesCsv.Load(RepositoryFiles.Dataset("air_passengers.csv"), new TimeSeriesCsvOptions("passengers_thousands"));

        WindowedDataset windows = WindowedDataset.Create(series, new WindowOptions(lookback: 12));

        Assert.Equal(144 - 12, windows.Count);
        Assert.Equal(new float[] { 112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118 }, windows.Inputs[..12]);
        Assert.Equal(115f, windows.Targets[0]);  // 1950-01
        Assert.Equal(432f, windows.Targets[^1]); // 1960-12
    }

    [Fact]
    public void Create_TooFewRowsInAFile_NamesFileLastLineAndColumn()
    {
        string path = _temp.Write("short.csv", "t,x\n1,1\n2,2\n3,3\n4,4\n5,5\n");
        TimeSeries series = TimeSeriesCsv.Load(path, new TimeSeriesCsvOptions("x"));

        DataFormatException e = DataFormatAssert.Throws(() => WindowedDataset.Create(series, new WindowOptions(12)), path, 6, "x");

        Assert.Contains("too few rows", e.Message, StringComparison.Ordinal);
        Assert.Contains("13", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_TooFewRowsInMemory_ThrowsArgumentExceptionNamingTheSeries()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => WindowedDataset.Create(Numbered(5, 1), new WindowOptions(5)));

        Assert.Equal("series", e.ParamName);
        Assert.Contains("got 5", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 1, 1, "lookback")]
    [InlineData(-3, 1, 1, "lookback")]
    [InlineData(4, 0, 1, "horizon")]
    [InlineData(4, 1, 0, "stride")]
    public void WindowOptions_NonPositiveSize_ThrowsNamingTheArgumentExpectedAndActual(int lookback, int horizon, int stride, string paramName)
    {
        ArgumentOutOfRangeException e = Assert.Throws<ArgumentOutOfRangeException>(() => new WindowOptions(lookback, horizon, stride));

        Assert.Equal(paramName, e.ParamName);
        Assert.Contains("at least 1", e.Message, StringComparison.Ordinal);
        Assert.Contains("got ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CopyBatchTimeMajor_LaysOutInputsAsTimeBatchFeature()
    {
        const int Lookback = 3, Horizon = 2, Columns = 2;
        WindowedDataset windows = WindowedDataset.Create(Numbered(12, Columns), new WindowOptions(Lookback, Horizon));
        int[] batch = [5, 0, 5, 2]; // repeats allowed
        var inputs = new float[Lookback * batch.Length * Columns];
        var targets = new float[Horizon * batch.Length * Columns];

        windows.CopyBatchTimeMajor(batch, inputs, targets);

        for (int t = 0; t < Lookback; t++)
        {
            for (int b = 0; b < batch.Length; b++)
            {
                for (int c = 0; c < Columns; c++)
                {
                    Assert.Equal((100 * (batch[b] + t)) + c, inputs[(((t * batch.Length) + b) * Columns) + c]);
                }
            }
        }

        for (int h = 0; h < Horizon; h++)
        {
            for (int b = 0; b < batch.Length; b++)
            {
                for (int c = 0; c < Columns; c++)
                {
                    Assert.Equal((100 * (batch[b] + Lookback + h)) + c, targets[(((h * batch.Length) + b) * Columns) + c]);
                }
            }
        }
    }

    [Fact]
    public void CopyBatchTimeMajor_AllocatesNothing()
    {
        WindowedDataset windows = WindowedDataset.Create(Numbered(64, 3), new WindowOptions(8, 2));
        int[] batch = [1, 7, 30, 2];
        var inputs = new float[8 * 4 * 3];
        var targets = new float[2 * 4 * 3];
        windows.CopyBatchTimeMajor(batch, inputs, targets); // warm up

        long before = GC.GetAllocatedBytesForCurrentThread();
        windows.CopyBatchTimeMajor(batch, inputs, targets);
        windows.CopyTargets(batch, targets);

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void CopyTargets_IsBatchMajorLikeTheTargetsArray()
    {
        WindowedDataset windows = WindowedDataset.Create(Numbered(10, 1), new WindowOptions(2, 3));
        var targets = new float[2 * 3];

        windows.CopyTargets([4, 1], targets);

        Assert.Equal(new float[] { 600, 700, 800, 300, 400, 500 }, targets);
    }

    [Fact]
    public void CopyBatchTimeMajor_WrongSpanLength_ThrowsNamingTheSpanAndExpectedLength()
    {
        WindowedDataset windows = WindowedDataset.Create(Numbered(10, 2), new WindowOptions(3));

        ArgumentException e = Assert.Throws<ArgumentException>(() => windows.CopyBatchTimeMajor([0, 1], new float[11], new float[4]));

        Assert.Equal("inputs", e.ParamName);
        Assert.Contains("12", e.Message, StringComparison.Ordinal);
        Assert.Contains("got 11", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CopyBatchTimeMajor_WindowIndexOutOfRange_Throws()
    {
        WindowedDataset windows = WindowedDataset.Create(Numbered(10, 1), new WindowOptions(3));

        ArgumentOutOfRangeException e = Assert.Throws<ArgumentOutOfRangeException>(() => windows.CopyBatchTimeMajor([windows.Count], new float[3], new float[1]));

        Assert.Equal("windows", e.ParamName);
    }
}
