namespace FastLstm.Data;

/// <summary>Plain-text corpora for character-level language models.</summary>
/// <remarks>A text corpus is read whole (a few MB); CSV files are streamed instead. Thread-safe.</remarks>
public static class TextCorpus
{
    /// <summary>Reads a UTF-8 text file (or UTF-16/32 with a byte order mark) and turns CR LF and lone CR line breaks into LF.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The text.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="DataFormatException">The file is empty.</exception>
    public static string Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text = File.ReadAllText(path);
        if (text.Length == 0)
        {
            throw new DataFormatException(path, 1, null, "the file is empty: expected text.");
        }

        return text.Contains('\r', StringComparison.Ordinal)
            ? text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n')
            : text;
    }

    /// <summary>Splits a text chronologically (by character position): the start trains, the middle validates, the end tests.</summary>
    /// <param name="text">The corpus.</param>
    /// <param name="fractions">The fractions of the split (counts as <see cref="SplitFractions.GetCounts"/>).</param>
    /// <returns>The three parts, which concatenate to <paramref name="text"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static TextSplit Split(string text, SplitFractions fractions)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fractions);
        (int train, int validation, int test) = fractions.GetCounts(text.Length);
        return new TextSplit(text[..train], text.Substring(train, validation), text.Substring(train + validation, test));
    }
}
