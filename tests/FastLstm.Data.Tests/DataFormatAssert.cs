namespace FastLstm.Data.Tests;

/// <summary>Checks that a <see cref="DataFormatException"/> names the file, the line and the column, in its message and its properties.</summary>
internal static class DataFormatAssert
{
    public static DataFormatException Throws(Action action, string path, long line, string? column)
    {
        DataFormatException e = Assert.Throws<DataFormatException>(action);
        Assert.Equal(path, e.FilePath);
        Assert.Equal(line, e.Line);
        Assert.Equal(column, e.Column);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains($"line {line}", e.Message, StringComparison.Ordinal);
        if (column is not null)
        {
            Assert.Contains($"column '{column}'", e.Message, StringComparison.Ordinal);
        }

        return e;
    }

    public static DataFormatException Throws(Func<object> func, string path, long line, string? column) =>
        Throws(() => { _ = func(); }, path, line, column);
}
