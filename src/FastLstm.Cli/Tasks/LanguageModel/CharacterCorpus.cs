using FastLstm.Data;
using FastLstm.Training;

namespace FastLstm.Cli.Tasks.LanguageModel;

/// <summary>A text split by position (start trains, middle validates, the held-out tail tests) and encoded with the training text's characters.</summary>
internal sealed class CharacterCorpus
{
    private CharacterCorpus(TextSplit parts, CharVocabulary vocabulary)
    {
        Parts = parts;
        Vocabulary = vocabulary;
    }

    public TextSplit Parts { get; }

    public CharVocabulary Vocabulary { get; }

    /// <summary>Loads and splits; builds the vocabulary from the training text unless one is given (a stored model's).</summary>
    public static CharacterCorpus Load(string path, int? maxChars, SplitFractions split, CharVocabulary? vocabulary = null)
    {
        string text = TextCorpus.Load(path);
        if (maxChars is int max && text.Length > max)
        {
            text = text[..max];
        }

        TextSplit parts = TextCorpus.Split(text, split);
        if (parts.Train.Length < 2)
        {
            throw CliException.Usage($"{path} has {text.Length} characters: too few to train a language model.");
        }

        return new CharacterCorpus(parts, vocabulary ?? CharVocabulary.Build(parts.Train));
    }

    /// <summary>The next-character stream of <paramref name="text"/>, or null when it has fewer than two characters.</summary>
    public StreamDataset? Stream(string text) => text.Length < 2 ? null : StreamDataset.NextToken(Vocabulary.Encode(text));

    /// <summary>
    /// Cross-entropy (nats per character) of the unigram model fitted on the training text (add-one smoothed), on
    /// <paramref name="text"/>: what knowing only character frequencies achieves, the baseline a sequence model must beat.
    /// </summary>
    public double UnigramCrossEntropy(string text)
    {
        var counts = new double[Vocabulary.Count];
        Array.Fill(counts, 1.0);
        foreach (int id in Vocabulary.Encode(Parts.Train))
        {
            counts[id]++;
        }

        double total = counts.Sum();
        double sum = 0;
        int[] ids = Vocabulary.Encode(text);
        for (int i = 1; i < ids.Length; i++)
        {
            sum -= Math.Log(counts[ids[i]] / total);
        }

        return ids.Length > 1 ? sum / (ids.Length - 1) : double.NaN;
    }
}
