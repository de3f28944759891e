namespace FastLstm.Data.Tests;

public sealed class FloatBuilderTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(16_383)]
    [InlineData(16_384)] // exactly one chunk
    [InlineData(16_385)]
    [InlineData((3 * 16_384) + 7)]
    public void ToArray_AcrossChunkBoundaries_KeepsEveryValueInOrder(int count)
    {
        var builder = new FloatBuilder();
        for (int i = 0; i < count; i++)
        {
            builder.Add(i);
        }

        float[] values = builder.ToArray("test");

        Assert.Equal(count, builder.Count);
        Assert.Equal(count, values.Length);
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(i, values[i]);
        }
    }
}
