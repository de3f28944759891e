namespace FastLstm.Data.Tests;

public sealed class CharSequenceDatasetTests
{
    [Fact]
    public void Create_NonOverlapping_CutsWindowsWithNextCharacterTargets()
    {
        CharVocabulary vocabulary = CharVocabulary.Build("abcdefghij");

        CharSequenceDataset data = CharSequenceDataset.Create("abcdefghij", vocabulary, 3);

        Assert.Equal(3, data.Count); // starts 0, 3, 6; a start at 9 has no next character
        var inputs = new int[3 * 3];
        var targets = new int[3 * 3];
        data.CopyBatchTimeMajor([0, 1, 2], inputs, targets);
        // Time-major (T, B): column b of row t is window b's step t.
        Assert.Equal("adgbehcfi", vocabulary.Decode(inputs));
        Assert.Equal("behcfidgj", vocabulary.Decode(targets));
    }

    [Fact]
    public void Create_Stride_CountsWindowsFromIt()
    {
        CharSequenceDataset data = CharSequenceDataset.Create("abcdefghij", CharVocabulary.Build("abcdefghij"), 4, stride: 1);

        Assert.Equal(6, data.Count);
    }

    [Fact]
    public void CopyOneHotBatchTimeMajor_SetsOneOnePerStepAtTheInputId()
    {
        CharVocabulary vocabulary = CharVocabulary.Build("abc");
        CharSequenceDataset data = CharSequenceDataset.Create("abcab", vocabulary, 2, stride: 1);
        int v = vocabulary.Count;
        var inputs = new float[2 * 2 * v];
        inputs.AsSpan().Fill(7f); // must be overwritten
        var targets = new int[2 * 2];

        data.CopyOneHotBatchTimeMajor([1, 2], inputs, targets);

        // Window 1 reads "bc", window 2 reads "ca"; step-major.
        int[] expectedIds = [vocabulary.IdOf('b'), vocabulary.IdOf('c'), vocabulary.IdOf('c'), vocabulary.IdOf('a')];
        for (int row = 0; row < 4; row++)
        {
            for (int id = 0; id < v; id++)
            {
                Assert.Equal(id == expectedIds[row] ? 1f : 0f, inputs[(row * v) + id]);
            }
        }

        Assert.Equal("caab", vocabulary.Decode(targets)); // targets "ca" and "ab", step-major
    }

    [Fact]
    public void Create_TextNoLongerThanSequence_ThrowsNamingText()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => CharSequenceDataset.Create("abc", CharVocabulary.Build("abc"), 3));

        Assert.Equal("text", e.ParamName);
        Assert.Contains("got 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CopyBatchTimeMajor_WindowOutOfRange_Throws()
    {
        CharSequenceDataset data = CharSequenceDataset.Create("abcdefg", CharVocabulary.Build("abcdefg"), 3);

        Assert.Throws<ArgumentOutOfRangeException>(() => data.CopyBatchTimeMajor([data.Count], new int[3], new int[3]));
    }

    [Fact]
    public void Split_ThenVocabularyFromTrain_HandlesCharactersOnlyInTheTestText()
    {
        TextSplit split = TextCorpus.Split("aaaaaaaabz", new SplitFractions(0.8, 0.1, 0.1));
        CharVocabulary vocabulary = CharVocabulary.Build(split.Train);

        CharSequenceDataset test = CharSequenceDataset.Create("bz", vocabulary, 1);

        Assert.Equal(("aaaaaaaa", "b", "z"), (split.Train, split.Validation, split.Test));
        Assert.Equal(CharVocabulary.UnknownId, test.Ids[0]);
    }
}
