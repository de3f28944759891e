namespace FastLstm.Data.Tests;

public sealed class SplitFractionsTests
{
    [Theory]
    [InlineData(144, 0.7, 0.15, 0.15, 101, 21, 22)] // 100.8 → 101; 122.4 → 122
    [InlineData(100, 0.8, 0.1, 0.1, 80, 10, 10)]
    [InlineData(10, 1.0, 0.0, 0.0, 10, 0, 0)]
    [InlineData(10, 0.5, 0.0, 0.5, 5, 0, 5)]
    [InlineData(10, 0.5, 0.5, 0.0, 5, 5, 0)]
    [InlineData(1, 0.1, 0.45, 0.45, 1, 0, 0)]       // the train part gets the one row
    [InlineData(0, 0.7, 0.15, 0.15, 0, 0, 0)]
    public void GetCounts_UsesCumulativeRoundingAndAddsUpToTheTotal(int total, double train, double validation, double test, int expectedTrain, int expectedValidation, int expectedTest)
    {
        (int t, int v, int s) = new SplitFractions(train, validation, test).GetCounts(total);

        Assert.Equal((expectedTrain, expectedValidation, expectedTest), (t, v, s));
    }

    [Theory]
    [InlineData(0.0, 0.5, 0.5, "train")]
    [InlineData(-0.1, 0.6, 0.5, "train")]
    [InlineData(0.5, -0.1, 0.6, "validation")]
    [InlineData(0.5, 0.5, double.NaN, "test")]
    [InlineData(1.5, 0.0, 0.0, "train")]
    public void SplitFractions_OutOfRange_ThrowsNamingTheFraction(double train, double validation, double test, string paramName)
    {
        ArgumentOutOfRangeException e = Assert.Throws<ArgumentOutOfRangeException>(() => new SplitFractions(train, validation, test));

        Assert.Equal(paramName, e.ParamName);
    }

    [Fact]
    public void SplitFractions_NotAddingUpToOne_ThrowsWithTheSum()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => new SplitFractions(0.7, 0.2, 0.2));

        Assert.Contains("1.1", e.Message, StringComparison.Ordinal);
    }
}
