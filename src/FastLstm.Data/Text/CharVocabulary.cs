using System.Collections.Frozen;

namespace FastLstm.Data;

/// <summary>
/// A character vocabulary for character-level models: id 0 is the unknown character, ids 1 … n are the
/// distinct characters of a corpus in ordinal (code unit) order, so the same corpus always gives the same ids.
/// </summary>
/// <remarks>
/// <para>Characters are UTF-16 code units: a character outside the Basic Multilingual Plane (a surrogate pair)
/// is two tokens. A character not in the vocabulary encodes to <see cref="UnknownId"/>, which decodes to
/// <see cref="UnknownChar"/> (U+FFFD).</para>
/// <para>Store <see cref="Characters"/> with the model and rebuild the same ids with <see cref="FromCharacters"/>.</para>
/// <para>Immutable; encoding and decoding may run on several threads at once.</para>
/// </remarks>
public sealed class CharVocabulary
{
    /// <summary>The id of characters not in the vocabulary.</summary>
    public const int UnknownId = 0;

    /// <summary>What <see cref="UnknownId"/> decodes to: U+FFFD REPLACEMENT CHARACTER.</summary>
    public const char UnknownChar = '\uFFFD';

    // ASCII goes through a table; anything else through a frozen dictionary.
    private const int AsciiCount = 128;

    private readonly string _characters;
    private readonly int[] _asciiIds;
    private readonly FrozenDictionary<char, int> _otherIds;

    private CharVocabulary(string characters)
    {
        _characters = characters;
        _asciiIds = new int[AsciiCount];
        var others = new Dictionary<char, int>();
        for (int i = 0; i < characters.Length; i++)
        {
            char c = characters[i];
            if (c < AsciiCount)
            {
                _asciiIds[c] = i + 1;
            }
            else
            {
                others[c] = i + 1;
            }
        }

        _otherIds = others.ToFrozenDictionary();
    }

    /// <summary>The known characters in id order: character k has id k + 1. Store this with the model.</summary>
    public string Characters => _characters;

    /// <summary>The number of ids, the unknown id included: <see cref="Characters"/>.Length + 1 (the size of a one-hot input or a softmax output).</summary>
    public int Count => _characters.Length + 1;

    /// <summary>Builds a vocabulary from the distinct characters of <paramref name="text"/>.</summary>
    /// <param name="text">The corpus (normally the training text).</param>
    /// <param name="minCount">Characters seen fewer times than this are left out and will encode as unknown; at least 1.</param>
    /// <returns>The vocabulary, characters in ordinal order.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minCount"/> is less than 1.</exception>
    public static CharVocabulary Build(ReadOnlySpan<char> text, int minCount = 1)
    {
        ThrowHelper.ThrowIfLessThan(minCount, 1, nameof(minCount));
        var counts = new int[char.MaxValue + 1];
        CountCharacters(text, counts);
        return FromCounts(counts, minCount);
    }

    /// <summary>Builds a vocabulary from the distinct characters of several texts (such as labelled sentences).</summary>
    /// <param name="texts">The texts.</param>
    /// <param name="minCount">Characters seen fewer times than this, over all texts, are left out; at least 1.</param>
    /// <returns>The vocabulary, characters in ordinal order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="texts"/> or one of them is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minCount"/> is less than 1.</exception>
    public static CharVocabulary Build(IEnumerable<string> texts, int minCount = 1)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ThrowHelper.ThrowIfLessThan(minCount, 1, nameof(minCount));
        var counts = new int[char.MaxValue + 1];
        foreach (string text in texts)
        {
            ArgumentNullException.ThrowIfNull(text, nameof(texts));
            CountCharacters(text, counts);
        }

        return FromCounts(counts, minCount);
    }

    /// <summary>Recreates a vocabulary from stored characters, keeping their order as the id order.</summary>
    /// <param name="characters">The characters with ids 1, 2, …, as <see cref="Characters"/> gave them; distinct; may be empty.</param>
    /// <returns>The vocabulary.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="characters"/> is null.</exception>
    /// <exception cref="ArgumentException">A character repeats, or is <see cref="UnknownChar"/> (reserved for the unknown id).</exception>
    public static CharVocabulary FromCharacters(string characters)
    {
        ArgumentNullException.ThrowIfNull(characters);
        var seen = new HashSet<char>();
        for (int i = 0; i < characters.Length; i++)
        {
            char c = characters[i];
            if (c == UnknownChar)
            {
                ThrowHelper.ThrowArgument(nameof(characters), $"Expected characters other than U+FFFD, which stands for unknown; found it at index {i}.");
            }

            if (!seen.Add(c))
            {
                ThrowHelper.ThrowArgument(nameof(characters), $"Expected distinct characters; U+{(int)c:X4} repeats at index {i}.");
            }
        }

        return new CharVocabulary(characters);
    }

    /// <summary>Whether <paramref name="c"/> has an id of its own.</summary>
    /// <param name="c">A character.</param>
    /// <returns><see langword="true"/> when it is in the vocabulary.</returns>
    public bool Contains(char c) => IdOf(c) != UnknownId;

    /// <summary>The id of <paramref name="c"/>, or <see cref="UnknownId"/>.</summary>
    /// <param name="c">A character.</param>
    /// <returns>An id in [0, <see cref="Count"/>).</returns>
    public int IdOf(char c) =>
        c < AsciiCount ? _asciiIds[c] : _otherIds.GetValueOrDefault(c, UnknownId);

    /// <summary>The character of <paramref name="id"/>; <see cref="UnknownChar"/> for <see cref="UnknownId"/>.</summary>
    /// <param name="id">An id in [0, <see cref="Count"/>).</param>
    /// <returns>The character.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is outside [0, <see cref="Count"/>).</exception>
    public char CharOf(int id)
    {
        if ((uint)id >= (uint)Count)
        {
            ThrowHelper.ThrowOutOfRange(nameof(id), id, $"an id in [0, {Count})");
        }

        return id == UnknownId ? UnknownChar : _characters[id - 1];
    }

    /// <summary>Encodes <paramref name="text"/> into a new array of ids.</summary>
    /// <param name="text">The text.</param>
    /// <returns>One id per character.</returns>
    public int[] Encode(ReadOnlySpan<char> text)
    {
        var ids = new int[text.Length];
        Encode(text, ids);
        return ids;
    }

    /// <summary>Encodes <paramref name="text"/> into <paramref name="ids"/>, one id per character. Allocates nothing.</summary>
    /// <param name="text">The text.</param>
    /// <param name="ids">Receives the ids; same length as <paramref name="text"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public void Encode(ReadOnlySpan<char> text, Span<int> ids)
    {
        if (ids.Length != text.Length)
        {
            ThrowHelper.ThrowLength(nameof(ids), text.Length, ids.Length, "(one id per character)");
        }

        for (int i = 0; i < text.Length; i++)
        {
            ids[i] = IdOf(text[i]);
        }
    }

    /// <summary>Decodes ids into text; <see cref="UnknownId"/> becomes <see cref="UnknownChar"/>.</summary>
    /// <param name="ids">Ids in [0, <see cref="Count"/>).</param>
    /// <returns>The text.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside [0, <see cref="Count"/>).</exception>
    public string Decode(ReadOnlySpan<int> ids)
    {
        foreach (int id in ids)
        {
            if ((uint)id >= (uint)Count)
            {
                ThrowHelper.ThrowOutOfRange(nameof(ids), id, $"ids in [0, {Count})");
            }
        }

        var chars = new char[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            chars[i] = ids[i] == UnknownId ? UnknownChar : _characters[ids[i] - 1];
        }

        return new string(chars);
    }

    private static void CountCharacters(ReadOnlySpan<char> text, int[] counts)
    {
        foreach (char c in text)
        {
            // Saturate: a count only needs to reach minCount.
            if (counts[c] != int.MaxValue)
            {
                counts[c]++;
            }
        }
    }

    private static CharVocabulary FromCounts(int[] counts, int minCount)
    {
        var characters = new System.Text.StringBuilder();
        for (int c = 0; c < counts.Length; c++)
        {
            if (counts[c] >= minCount && c != UnknownChar)
            {
                characters.Append((char)c);
            }
        }

        return new CharVocabulary(characters.ToString());
    }
}
