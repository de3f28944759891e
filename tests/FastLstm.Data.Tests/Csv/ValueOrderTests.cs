namespace FastLstm.Data.Tests;

public sealed class ValueOrderTests
{
    [Theory]
    [InlineData("9", "10")]
    [InlineData("-6000", "-5999")]
    [InlineData("1.5", "2")]
    [InlineData("1949-12", "1950-01")]
    [InlineData("2000-06-05T23:30", "2000-06-06T00:00")]
    [InlineData("1960-Q4", "1961-Q1")]
    public void Compare_EarlierThenLater_IsNegative(string earlier, string later)
    {
        Assert.True(ValueOrder.Compare(earlier, later) < 0);
        Assert.True(ValueOrder.Compare(later, earlier) > 0);
    }

    [Fact]
    public void SortLabels_AllNumbers_SortsNumerically()
    {
        Assert.Equal(["-1", "1", "2", "10"], ValueOrder.SortLabels(["10", "2", "-1", "1"]));
    }

    [Fact]
    public void SortLabels_AnyText_SortsOrdinally()
    {
        Assert.Equal(["10", "2", "Running", "Standing", "a"], ValueOrder.SortLabels(["a", "Standing", "10", "Running", "2"]));
    }
}
