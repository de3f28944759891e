namespace FastLstm.Data.Tests;

public sealed class LineMapTests
{
    [Fact]
    public void LineOf_RowsAfterSkippedLines_FollowTheJumps()
    {
        var map = new LineMap();
        long[] lines = [2, 3, 5, 6, 7, 10, 14, 15]; // blank lines and quoted line breaks in between
        for (int row = 0; row < lines.Length; row++)
        {
            map.Add(row, lines[row]);
        }

        for (int row = 0; row < lines.Length; row++)
        {
            Assert.Equal(lines[row], map.LineOf(row));
        }

        Assert.Equal(16, map.LineOf(lines.Length)); // extrapolated past the last row
    }

    [Fact]
    public void LineOf_NothingRecorded_IsZero()
    {
        Assert.Equal(0, new LineMap().LineOf(3));
    }
}
