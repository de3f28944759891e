namespace FastLstm.Data.Tests;

public sealed class TextCorpusTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Load_CrLfAndCr_BecomeLf()
    {
        string path = _temp.Write("crlf.txt", "one\r\ntwo\rthree\n");

        Assert.Equal("one\ntwo\nthree\n", TextCorpus.Load(path));
    }

    [Fact]
    public void Load_EmptyFile_NamesTheFile()
    {
        string path = _temp.Write("empty.txt", string.Empty);

        DataFormatAssert.Throws(() => TextCorpus.Load(path), path, 1, null);
    }

    [Fact]
    public void Split_PrideAndPrejudice_PartsConcatenateToTheWholeText()
    {
        string text = TextCorpus.Load(RepositoryFiles.Dataset("pride_and_prejudice.txt"));

        TextSplit split = TextCorpus.Split(text, new SplitFractions(0.9, 0.05, 0.05));

        Assert.StartsWith("PRIDE AND PREJUDICE", split.Train, StringComparison.Ordinal);
        Assert.Equal(text, split.Train + split.Validation + split.Test);
        Assert.Equal(616_291, split.Train.Length); // round(684,768 · 0.9)
    }
}
