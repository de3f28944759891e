namespace FastLstm.Data.Tests;

public sealed class LabelledTextCsvTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Load_QuotedTextsWithCommasAndLineBreaks_KeepsThemExactly()
    {
        string path = _temp.Write("reviews.csv", "id,text,label\n1,\"Great, really great\",pos\n2,\"Two\nlines\",neg\n3,  spaced  ,pos\n");

        LabelledTextDataset data = LabelledTextCsv.Load(path);

        Assert.Equal(3, data.Count);
        Assert.Equal(["neg", "pos"], data.LabelNames); // sorted, not in order of appearance
        Assert.Equal(new LabelledText("Great, really great", 1), data.Items[0]);
        Assert.Equal(new LabelledText("Two\nlines", 0), data.Items[1]);
        Assert.Equal("  spaced  ", data.Items[2].Text);
        Assert.Equal([1, 2], data.CountPerLabel());
    }

    [Fact]
    public void Load_NumericLabels_AreSortedAsNumbers()
    {
        string path = _temp.Write("numeric.csv", "text,label\na,10\nb,9\nc,-1\n");

        LabelledTextDataset data = LabelledTextCsv.Load(path);

        Assert.Equal(["-1", "9", "10"], data.LabelNames);
        Assert.Equal([2, 1, 0], data.Items.Select(i => i.Label));
    }

    [Fact]
    public void Load_SpliceJunctionDna_HasThreeClassesOfSixtyBaseSequences()
    {
        LabelledTextDataset data = LabelledTextCsv.Load(
            RepositoryFiles.Dataset("splice_junction_dna.csv"),
            new LabelledTextCsvOptions { TextColumn = "sequence", LabelColumn = "class" });

        Assert.Equal(3186, data.Count);
        Assert.Equal(["ei", "ie", "n"], data.LabelNames);
        Assert.Equal([767, 765, 1654], data.CountPerLabel());
        Assert.All(data.Items, item => Assert.Equal(60, item.Text.Length));
        Assert.Equal("ACGT", CharVocabulary.Build(data.Items.Select(i => i.Text)).Characters);
    }

    [Fact]
    public void Load_FixedLabelNames_KeepTheirIndices()
    {
        string path = _temp.Write("fixed.csv", "text,label\na,pos\nb,neg\n");

        LabelledTextDataset data = LabelledTextCsv.Load(path, new LabelledTextCsvOptions { LabelNames = ["pos", "neg", "neutral"] });

        Assert.Equal(["pos", "neg", "neutral"], data.LabelNames);
        Assert.Equal([0, 1], data.Items.Select(i => i.Label));
    }

    [Fact]
    public void Load_LabelOutsideFixedNames_NamesLineAndColumn()
    {
        string path = _temp.Write("unknown_label.csv", "text,label\na,pos\nb,meh\n");

        DataFormatException e = DataFormatAssert.Throws(
            () => LabelledTextCsv.Load(path, new LabelledTextCsvOptions { LabelNames = ["pos", "neg"] }), path, 3, "label");

        Assert.Contains("'meh'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingLabelColumn_NamesIt()
    {
        string path = _temp.Write("no_label.csv", "text,class\na,pos\n");

        DataFormatAssert.Throws(() => LabelledTextCsv.Load(path), path, 1, "label");
    }

    [Fact]
    public void Load_EmptyLabel_NamesLineAndColumn()
    {
        string path = _temp.Write("empty_label.csv", "text,label\na,pos\nb,\n");

        DataFormatAssert.Throws(() => LabelledTextCsv.Load(path), path, 3, "label");
    }

    [Fact]
    public void Load_EmptyText_IsAnErrorUnlessAllowed()
    {
        string path = _temp.Write("empty_text.csv", "text,label\na,pos\n\"\",neg\n");

        DataFormatAssert.Throws(() => LabelledTextCsv.Load(path), path, 3, "text");
        Assert.Equal(string.Empty, LabelledTextCsv.Load(path, new LabelledTextCsvOptions { AllowEmptyText = true }).Items[1].Text);
    }

    [Fact]
    public void Load_RaggedRow_NamesLineAndColumn()
    {
        string path = _temp.Write("ragged.csv", "text,label\na,pos\nb\n");

        DataFormatAssert.Throws(() => LabelledTextCsv.Load(path), path, 3, "label");
    }

    [Fact]
    public void Load_LineNumbersCountLineBreaksInsideQuotes()
    {
        string path = _temp.Write("quoted_lines.csv", "text,label\n\"a\nb\nc\",pos\nd,\n");

        DataFormatAssert.Throws(() => LabelledTextCsv.Load(path), path, 5, "label");
    }

    [Fact]
    public void Load_SameTextAndLabelColumn_ThrowsArgumentException()
    {
        string path = _temp.Write("same.csv", "text,label\na,b\n");

        ArgumentException e = Assert.Throws<ArgumentException>(() => LabelledTextCsv.Load(path, new LabelledTextCsvOptions { LabelColumn = "text" }));

        Assert.Equal("options", e.ParamName);
    }
}
