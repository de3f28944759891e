namespace FastLstm.Data.Tests;

public sealed class CharVocabularyTests
{
    [Fact]
    public void Build_SortsDistinctCharactersAndReservesIdZeroForUnknown()
    {
        CharVocabulary vocabulary = CharVocabulary.Build("hello world");

        Assert.Equal(" dehlorw", vocabulary.Characters);
        Assert.Equal(9, vocabulary.Count);
        Assert.Equal(CharVocabulary.UnknownId, vocabulary.IdOf('z'));
        Assert.Equal(1, vocabulary.IdOf(' '));
        Assert.Equal(8, vocabulary.IdOf('w'));
    }

    [Fact]
    public void Build_SameCharactersInAnotherOrder_GivesTheSameIds()
    {
        Assert.Equal(CharVocabulary.Build("abcabc").Characters, CharVocabulary.Build("cbaacb").Characters);
    }

    [Fact]
    public void EncodeDecode_KnownText_RoundTrips()
    {
        CharVocabulary vocabulary = CharVocabulary.Build("The quick brown fox.");

        int[] ids = vocabulary.Encode("fox quick");

        Assert.DoesNotContain(CharVocabulary.UnknownId, ids);
        Assert.Equal("fox quick", vocabulary.Decode(ids));
    }

    [Fact]
    public void Encode_UnknownCharacters_BecomeTheUnknownIdAndDecodeToReplacementCharacter()
    {
        CharVocabulary vocabulary = CharVocabulary.Build("abc");

        int[] ids = vocabulary.Encode("aXbé€");

        Assert.Equal([1, 0, 2, 0, 0], ids);
        Assert.Equal("a\uFFFDb\uFFFD\uFFFD", vocabulary.Decode(ids));
        Assert.False(vocabulary.Contains('X'));
    }

    [Fact]
    public void Build_NonAsciiCharacters_GetIdsToo()
    {
        CharVocabulary vocabulary = CharVocabulary.Build("café ünïcode €");

        Assert.True(vocabulary.Contains('é'));
        Assert.True(vocabulary.Contains('€'));
        Assert.Equal("café ünïcode €", vocabulary.Decode(vocabulary.Encode("café ünïcode €")));
    }

    [Fact]
    public void FromCharacters_OfExportedCharacters_GivesTheSameIds()
    {
        CharVocabulary original = CharVocabulary.Build("Pride and Prejudice, é");
        string stored = original.Characters;

        CharVocabulary restored = CharVocabulary.FromCharacters(stored);

        Assert.Equal(original.Count, restored.Count);
        Assert.Equal(original.Encode("and Pré?"), restored.Encode("and Pré?"));
    }

    [Fact]
    public void FromCharacters_KeepsTheGivenOrder()
    {
        CharVocabulary vocabulary = CharVocabulary.FromCharacters("zyx");

        Assert.Equal([1, 2, 3], vocabulary.Encode("zyx"));
    }

    [Fact]
    public void FromCharacters_Repeated_ThrowsNamingCharacters()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => CharVocabulary.FromCharacters("abca"));

        Assert.Equal("characters", e.ParamName);
        Assert.Contains("index 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromCharacters_ReplacementCharacter_IsReservedForUnknown()
    {
        Assert.Throws<ArgumentException>(() => CharVocabulary.FromCharacters("a\uFFFD"));
    }

    [Fact]
    public void Build_MinCount_LeavesRareCharactersUnknown()
    {
        CharVocabulary vocabulary = CharVocabulary.Build("aaabbc", minCount: 2);

        Assert.Equal("ab", vocabulary.Characters);
        Assert.Equal(CharVocabulary.UnknownId, vocabulary.IdOf('c'));
    }

    [Fact]
    public void Build_FromSeveralTexts_CountsThemTogether()
    {
        CharVocabulary vocabulary = CharVocabulary.Build(["ab", "bc", "c"], minCount: 2);

        Assert.Equal("bc", vocabulary.Characters);
    }

    [Fact]
    public void Decode_IdOutOfRange_ThrowsNamingIds()
    {
        CharVocabulary vocabulary = CharVocabulary.Build("ab");

        ArgumentOutOfRangeException e = Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary.Decode([1, 3]));

        Assert.Equal("ids", e.ParamName);
    }

    [Fact]
    public void Encode_SpanOfWrongLength_Throws()
    {
        CharVocabulary vocabulary = CharVocabulary.Build("ab");

        ArgumentException e = Assert.Throws<ArgumentException>(() => vocabulary.Encode("ab", new int[3]));

        Assert.Equal("ids", e.ParamName);
    }

    [Fact]
    public void Build_PrideAndPrejudice_Has75CharactersAndRoundTripsTheNovel()
    {
        string text = TextCorpus.Load(RepositoryFiles.Dataset("pride_and_prejudice.txt"));

        CharVocabulary vocabulary = CharVocabulary.Build(text);

        Assert.Equal(684_768, text.Length);
        Assert.Equal(75, vocabulary.Characters.Length); // as documented with the data set
        Assert.Equal(76, vocabulary.Count);
        Assert.Equal(text, vocabulary.Decode(vocabulary.Encode(text)));
    }
}
