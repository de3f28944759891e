namespace FastLstm.Data.Tests;

public sealed class DataFormatExceptionTests
{
    [Fact]
    public void Message_NamesFileLineAndColumn()
    {
        var e = new DataFormatException("data/air.csv", 7, "passengers", "'abc' is not a number.");

        Assert.Equal("data/air.csv, line 7, column 'passengers': 'abc' is not a number.", e.Message);
        Assert.IsAssignableFrom<FormatException>(e);
    }

    [Fact]
    public void Message_WithoutLineOrColumn_LeavesThemOut()
    {
        Assert.Equal("a.csv: too big.", new DataFormatException("a.csv", 0, null, "too big.").Message);
    }
}
