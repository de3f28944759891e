using System.Globalization;
using System.Text;

namespace FastLstm.Data.Tests;

public sealed class TimeSeriesCsvTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Load_AirPassengers_ReadsAll144MonthsInOrder()
    {
        string path = RepositoryFiles.Dataset("air_passengers.csv");

        TimeSeries series = TimeSeriesCsv.Load(path, new TimeSeriesCsvOptions("passengers_thousands") { TimeColumn = "month" });

        Assert.Equal(144, series.Length);
        Assert.Equal(1, series.Features);
        Assert.Equal(["passengers_thousands"], series.ColumnNames);
        Assert.Equal(path, series.Source);
        // Box & Jenkins series G: 1949 starts 112, 118, 132, 129; 1960-12 is 432; the 144 values add up to 40,363.
        Assert.Equal([112f, 118f, 132f, 129f], series.Values[..4]);
        Assert.Equal(432f, series.Values[^1]);
        Assert.Equal(40363.0, series.Values.Sum(v => (double)v));
        Assert.NotNull(series.TimeLabels);
        Assert.Equal("1949-01", series.TimeLabels[0]);
        Assert.Equal("1960-12", series.TimeLabels[^1]);
        Assert.Equal(2, series.LineOf(0));
        Assert.Equal(145, series.LineOf(143));
    }

    [Fact]
    public void Load_WithoutTimeColumn_KeepsNoTimeLabels()
    {
        TimeSeries series = TimeSeriesCsv.Load(RepositoryFiles.Dataset("nile.csv"), new TimeSeriesCsvOptions("flow_1e8_m3"));

        Assert.Equal(100, series.Length);
        Assert.Null(series.TimeLabels);
        Assert.Equal(1120f, series.Values[0]);
    }

    [Fact]
    public void Load_SeveralValueColumns_KeepsTheRequestedOrder()
    {
        TimeSeries series = TimeSeriesCsv.Load(
            RepositoryFiles.Dataset("uk_lung_deaths.csv"),
            new TimeSeriesCsvOptions("deaths_female", "deaths_male") { TimeColumn = "month" });

        Assert.Equal(72, series.Length);
        Assert.Equal(2, series.Features);
        // 1974-01: total 3035 = male 2134 + female 901.
        Assert.Equal([901f, 2134f], series.Values[..2]);
        Assert.Equal(1, series.ColumnIndex("deaths_male"));
    }

    [Fact]
    public void Load_NegativeNumericYears_AreInIncreasingOrder()
    {
        // treering.csv runs from year -6000 to 1979: compared as text, "-5999" would come before "-6000".
        TimeSeries series = TimeSeriesCsv.Load(RepositoryFiles.Dataset("treering.csv"), new TimeSeriesCsvOptions("ring_width_index") { TimeColumn = "year" });

        Assert.Equal(7980, series.Length);
        Assert.Equal("-6000", series.TimeLabels![0]);
    }

    [Fact]
    public void Load_Stream_NamesTheStreamInErrors()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("t,x\n1,2\n2,oops\n"));

        DataFormatAssert.Throws(() => TimeSeriesCsv.Load(stream, "stdin", new TimeSeriesCsvOptions("x")), "stdin", 3, "x");
    }

    [Fact]
    public void Load_CrLfLineEndingsQuotesAndByteOrderMark_AreRead()
    {
        string path = _temp.Path + "/crlf.csv";
        File.WriteAllText(path, "\uFEFFt,\"x\"\r\n1,\"1.5\"\r\n2, 2.5 \r\n3,-3e2\r\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));

        TimeSeries series = TimeSeriesCsv.Load(path, new TimeSeriesCsvOptions("x") { TimeColumn = "t" });

        Assert.Equal([1.5f, 2.5f, -300f], series.Values);
    }

    [Fact]
    public void Load_BlankLines_AreSkippedButCountedInLineNumbers()
    {
        string path = _temp.Write("blank.csv", "t,x\n1,1\n\n2,2\n\n\n3,x3\n");

        DataFormatAssert.Throws(() => TimeSeriesCsv.Load(path, new TimeSeriesCsvOptions("x")), path, 7, "x");
    }

    [Fact]
    public void Load_MissingValueColumn_NamesFileHeaderLineAndColumn()
    {
        string path = _temp.Write("missing_column.csv", "month,value\n1949-01,1\n");

        DataFormatException e = DataFormatAssert.Throws(() => TimeSeriesCsv.Load(path, new TimeSeriesCsvOptions("passengers")), path, 1, "passengers");

        Assert.Contains("'month', 'value'", e.Message, StringComparison.Ordinal); // lists what the header has
    }

    [Fact]
    public void Load_SpacesAroundHeaderNames_AreIgnored()
    {
        string path = _temp.Write("spaced_header.csv", "t , x \n1,2\n");

        TimeSeries series = TimeSeriesCsv.Load(path, new TimeSeriesCsvOptions("x") { TimeColumn = "t" });

        Assert.Equal([2f], series.Values);
    }

    [Fact]
    public void Load_HeaderNamesDifferingInCase_DoNotMatch()
    {
        string path = _temp.Write("case_header.csv", "t,Value\n1,2\n");

        DataFormatAssert.Throws(() => TimeSeriesCsv.Load(path, new TimeSeriesCsvOptions("value")), path, 1, "value");
    }

    [Fact]
    public void Load_MissingTimeColumn_NamesTheTimeColumn()
    {
        string path = _temp.Write("missing_time.csv", "month,value\n1949-01,1\n");

        DataFormatAssert.Throws(() => TimeSeriesCsv.Load(path, new TimeSeriesCsvOptions("value") { TimeColumn = "date" }), path, 1, "date");
    }

    [Fact]
    public void Load_ColumnNamedTwiceInHeader_IsAmbiguous()
    {
        string path = _temp.Write("duplicate.csv", "t,x,x\n1,2,3\n");

        DataFormatAssert.Throws(() => TimeSeriesCsv.Load(path, new TimeSeriesCsvOptions("x")), path, 1, "x");
    }

    [Fact]
    public void Load_TextInNumberField_NamesLineColumnAndValue()
    {
        string path = _temp.Write("text.csv", "t,a,b\n1,1,2\n2,3,4\n3,5,abc\n4,7,8\n");

        DataFormatException e = DataFormatAssert.Throws(() => TimeSeriesCsv.Load(path, new TimeSeriesCsvOptions("a", "b")), path, 4, "b");

        Assert.Contains("'abc'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("1e39")] // beyond float32's range: parses to infinity
    public void Load_NonFiniteNumber_IsAnError(string value)
    {
        string path = _temp.Write("nonfinite.csv", $"t,x\n1,1\n2,{value}\n");

        DataFormatAssert.Throws(() => TimeSeriesCsv.Load(path, new TimeSeriesCsvOptions("x")), path, 3, "x");
    }

    [Fact]
    public void Load_CommaAsDecimalSeparator_IsTextInANumberField()
    {
        // Invariant culture: "1,5" in a quoted field is not one and a half.
        string path = _temp.Write("comma.csv", "t,x\n1,\"1,5\"\n");

        DataFormatAssert.Throws(() => TimeSeriesCsv.Load(path, new TimeSeriesCsvOptions("x")), path, 2, "x");
    }

    [Fact]
    public void Load_EmptyCell_IsAnErrorByDefault()
    {
        string path = _temp.Write("empty_cell.csv", "t,a,b\n1,1,2\n2,,4\n");

        DataFormatException e = DataFormatAssert.Throws(() => TimeSeriesCsv.Load(path, new TimeSeriesCsvOptions("a", "b")), path, 3, "a");

        Assert.Contains("empty cell", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WhiteSpaceOnlyCell_IsEmpty()
    {
        string path = _temp.Write("blank_cell.csv", "t,x\n1,1\n2,   \n");

        DataFormatAssert.Throws(() => TimeSeriesCsv.Load(path, new TimeSeriesCsvOptions("x")), path, 3, "x");
    }

    [Fact]
    public void Load_EmptyTimeCell_IsAnError()
    {
        string path = _temp.Write("empty_time.csv", "t,x\n1,1\n,2\n");

        DataFormatAssert.Throws(() => TimeSeriesCsv.Load(path, new TimeSeriesCsvOptions("x") { TimeColumn = "t" }), path, 3, "t");
    }

    [Fact]
    public void Load_RowWithTooFewFields_NamesTheFirstColumnWithoutValue()
    {
        string path = _temp.Write("short_row.csv", "t,a,b\n1,1,2\n2,3\n3,5,6\n");

        DataFormatException e = DataFormatAssert.Throws(() => TimeSeriesCsv.Load(path, new TimeSeriesCsvOptions("a", "b")), path, 3, "b");

        Assert.Contains("ragged row", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RowWithTooManyFields_NamesTheExtraField()
    {
        string path = _temp.Write("long_row.csv", "t,a,b\n1,1,2\n2,3,4,5\n");

        DataFormatException e = DataFormatAssert.Throws(() => TimeSeriesCsv.Load(path, new TimeSeriesCsvOptions("a")), path, 3, "#4");

        Assert.Contains("ragged row", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RaggedRowInAColumnNotRead_IsStillAnError()
    {
        string path = _temp.Write("ragged_other.csv", "a,b,c\n1,2,3\n4,5\n");

        DataFormatAssert.Throws(() => TimeSeriesCsv.Load(path, new TimeSeriesCsvOptions("a")), path, 3, "c");
    }

    [Fact]
    public void Load_EmptyFile_NamesLineOne()
    {
        string path = _temp.Write("empty.csv", string.Empty);

        DataFormatAssert.Throws(() => TimeSeriesCsv.Load(path, new TimeSeriesCsvOptions("x")), path, 1, null);
    }

    [Fact]
    public void Load_HeaderOnly_HasNoDataRows()
    {
        string path = _temp.Write("header_only.csv", "t,x\n");

        DataFormatException e = DataFormatAssert.Throws(() => TimeSeriesCsv.Load(path, new TimeSeriesCsvOptions("x")), path, 2, "x");

        Assert.Contains("no data rows", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1949-02", "1949-01")]
    [InlineData("1949-01", "1949-01")]
    [InlineData("10", "9")]
    [InlineData("-5999", "-6000")]
    public void Load_TimeNotIncreasing_NamesTheLineAndTimeColumn(string first, string second)
    {
        string path = _temp.Write("unsorted.csv", $"month,x\n{first},1\n{second},2\n");

        DataFormatAssert.Throws(() => TimeSeriesCsv.Load(path, new TimeSeriesCsvOptions("x") { TimeColumn = "month" }), path, 3, "month");
    }

    [Fact]
    public void Load_TimeNotIncreasingWhenNotRequired_IsAccepted()
    {
        string path = _temp.Write("unsorted_ok.csv", "month,x\n2,1\n1,2\n");

        TimeSeries series = TimeSeriesCsv.Load(path, new TimeSeriesCsvOptions("x") { TimeColumn = "month", RequireIncreasingTime = false });

        Assert.Equal(["2", "1"], series.TimeLabels!);
    }

    [Fact]
    public void Load_GoldWithMissingDays_FailsOnTheFirstEmptyCellByDefault()
    {
        string path = RepositoryFiles.Dataset("gold_daily.csv");

        // Day 68 is the first of the 34 missing prices; it is on line 69.
        DataFormatAssert.Throws(() => TimeSeriesCsv.Load(path, new TimeSeriesCsvOptions("price_usd") { TimeColumn = "day" }), path, 69, "price_usd");
    }

    [Theory]
    [InlineData(MissingValuePolicy.ForwardFill)]
    [InlineData(MissingValuePolicy.LinearInterpolation)]
    public void Load_GoldWithAFillPolicy_HasNoGapsLeft(MissingValuePolicy policy)
    {
        TimeSeries series = TimeSeriesCsv.Load(
            RepositoryFiles.Dataset("gold_daily.csv"),
            new TimeSeriesCsvOptions("price_usd") { TimeColumn = "day", MissingValues = policy });

        Assert.Equal(1108, series.Length);
        Assert.All(series.Values, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Load_ForwardFill_CarriesTheLastValueAndBackFillsTheStart()
    {
        string path = _temp.Write("ffill.csv", "t,x,y\n1,,10\n2,2,\n3,,\n4,4,40\n5,,\n");

        TimeSeries series = TimeSeriesCsv.Load(path, new TimeSeriesCsvOptions("x", "y") { MissingValues = MissingValuePolicy.ForwardFill });

        Assert.Equal([2f, 10f, 2f, 10f, 2f, 10f, 4f, 40f, 4f, 40f], series.Values);
    }

    [Fact]
    public void Load_LinearInterpolation_FillsInteriorGapsOnAStraightLine()
    {
        string path = _temp.Write("interp.csv", "t,x\n1,\n2,2\n3,\n4,\n5,8\n6,\n");

        TimeSeries series = TimeSeriesCsv.Load(path, new TimeSeriesCsvOptions("x") { MissingValues = MissingValuePolicy.LinearInterpolation });

        Assert.Equal([2f, 2f, 4f, 6f, 8f, 8f], series.Values);
    }

    [Fact]
    public void Load_ColumnWithNoValueAtAll_IsAnErrorEvenWithAFillPolicy()
    {
        string path = _temp.Write("all_empty.csv", "t,x,y\n1,1,\n2,2,\n");

        DataFormatAssert.Throws(
            () => TimeSeriesCsv.Load(path, new TimeSeriesCsvOptions("x", "y") { MissingValues = MissingValuePolicy.ForwardFill }), path, 2, "y");
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => TimeSeriesCsv.Load(_temp.Path + "/absent.csv", new TimeSeriesCsvOptions("x")));
    }

    [Fact]
    public void Options_NoValueColumns_ThrowsArgumentException()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => new TimeSeriesCsvOptions());

        Assert.Equal("valueColumns", e.ParamName);
    }

    [Fact]
    public void Options_RepeatedValueColumn_ThrowsArgumentException()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => new TimeSeriesCsvOptions("x", "x"));

        Assert.Equal("valueColumns", e.ParamName);
        Assert.Contains("'x'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TimeColumnAlsoAValueColumn_ThrowsArgumentException()
    {
        string path = _temp.Write("roles.csv", "t,x\n1,2\n");

        ArgumentException e = Assert.Throws<ArgumentException>(() => TimeSeriesCsv.Load(path, new TimeSeriesCsvOptions("t") { TimeColumn = "t" }));

        Assert.Equal("options", e.ParamName);
    }

    [Fact]
    public void Load_SemicolonSeparator_IsUsedWhenAsked()
    {
        string path = _temp.Write("semicolon.csv", "t;x\n1;0.25\n2;0.5\n");

        TimeSeries series = TimeSeriesCsv.Load(path, new TimeSeriesCsvOptions("x") { Separator = ';' });

        Assert.Equal([0.25f, 0.5f], series.Values);
    }

    [Fact]
    public void Load_FewHundredThousandRows_StreamsWithoutHoldingTheTextAsStrings()
    {
        const int Rows = 300_000;
        string path = System.IO.Path.Combine(_temp.Path, "large.csv");
        using (var writer = new StreamWriter(path, append: false, new UTF8Encoding(false)))
        {
            writer.Write("timestamp,a,b,c\n");
            for (int i = 0; i < Rows; i++)
            {
                writer.Write(string.Create(CultureInfo.InvariantCulture, $"2000-01-01T00:00:{i:D6},{i},{i * 0.5:F6},{-i % 1000}\n"));
            }
        }

        long fileBytes = new FileInfo(path).Length;
        var options = new TimeSeriesCsvOptions("a", "b", "c");
        long before = GC.GetAllocatedBytesForCurrentThread();

        TimeSeries series = TimeSeriesCsv.Load(path, options);

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(Rows, series.Length);
        Assert.Equal([0f, 0f, 0f], series.Values[..3]);
        int last = Rows - 1;
        Assert.Equal([last, last * 0.5f, -(last % 1000)], series.Values[^3..]);
        Assert.Equal(Rows + 1, series.LineOf(last));
        // The values end up as 12 bytes a row, in chunks and then one array; the file has ~45 bytes a row.
        // Reading the text as strings would allocate at least 2 bytes per character (UTF-16), twice the file.
        Assert.True(allocated < fileBytes, $"Loading allocated {allocated:N0} bytes for a {fileBytes:N0}-byte file.");
        long valueBytes = (long)Rows * 3 * sizeof(float);
        Assert.True(allocated < 3 * valueBytes, $"Loading allocated {allocated:N0} bytes for {valueBytes:N0} bytes of values.");
    }
}
