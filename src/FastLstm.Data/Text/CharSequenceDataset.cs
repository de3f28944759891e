namespace FastLstm.Data;

/// <summary>
/// Next-character prediction over an encoded text: window i reads ids s … s + T − 1 and predicts ids
/// s + 1 … s + T, with s = i·stride and T = <see cref="SequenceLength"/>.
/// </summary>
/// <remarks>
/// <para>Only the encoded text is stored; batches are gathered on demand into caller-owned, time-major spans
/// (T, B) of ids or (T, B, V) of one-hot floats, V = <see cref="CharVocabulary.Count"/>, without allocating.</para>
/// <para>Immutable; batches may be gathered on several threads at once.</para>
/// </remarks>
public sealed class CharSequenceDataset
{
    private readonly int[] _ids;

    private CharSequenceDataset(int[] ids, CharVocabulary vocabulary, int sequenceLength, int stride)
    {
        _ids = ids;
        Vocabulary = vocabulary;
        SequenceLength = sequenceLength;
        Stride = stride;
        Count = ((ids.Length - sequenceLength - 1) / stride) + 1;
    }

    /// <summary>The vocabulary the text was encoded with.</summary>
    public CharVocabulary Vocabulary { get; }

    /// <summary>The encoded text, one id per character.</summary>
    public ReadOnlySpan<int> Ids => _ids;

    /// <summary>T, the characters each window reads.</summary>
    public int SequenceLength { get; }

    /// <summary>Characters between the starts of consecutive windows.</summary>
    public int Stride { get; }

    /// <summary>The number of windows: ⌊(length − T − 1) / stride⌋ + 1.</summary>
    public int Count { get; }

    /// <summary>Encodes <paramref name="text"/> and cuts it into non-overlapping windows (stride = <paramref name="sequenceLength"/>, as char-rnn does).</summary>
    /// <param name="text">The text.</param>
    /// <param name="vocabulary">The vocabulary; characters outside it become <see cref="CharVocabulary.UnknownId"/>.</param>
    /// <param name="sequenceLength">T, at least 1.</param>
    /// <returns>The data set.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="vocabulary"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sequenceLength"/> is less than 1.</exception>
    /// <exception cref="ArgumentException">The text is shorter than T + 1 characters.</exception>
    public static CharSequenceDataset Create(ReadOnlySpan<char> text, CharVocabulary vocabulary, int sequenceLength) =>
        Create(text, vocabulary, sequenceLength, sequenceLength);

    /// <summary>Encodes <paramref name="text"/> and cuts it into windows every <paramref name="stride"/> characters.</summary>
    /// <param name="text">The text.</param>
    /// <param name="vocabulary">The vocabulary; characters outside it become <see cref="CharVocabulary.UnknownId"/>.</param>
    /// <param name="sequenceLength">T, at least 1.</param>
    /// <param name="stride">Characters between window starts, at least 1.</param>
    /// <returns>The data set.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="vocabulary"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sequenceLength"/> or <paramref name="stride"/> is less than 1.</exception>
    /// <exception cref="ArgumentException">The text is shorter than T + 1 characters.</exception>
    public static CharSequenceDataset Create(ReadOnlySpan<char> text, CharVocabulary vocabulary, int sequenceLength, int stride)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ThrowHelper.ThrowIfLessThan(sequenceLength, 1, nameof(sequenceLength));
        ThrowHelper.ThrowIfLessThan(stride, 1, nameof(stride));
        if (text.Length <= sequenceLength)
        {
            ThrowHelper.ThrowArgument(nameof(text), $"Expected at least sequenceLength + 1 = {(long)sequenceLength + 1} characters (inputs and the next-character targets); got {text.Length}.");
        }

        return new CharSequenceDataset(vocabulary.Encode(text), vocabulary, sequenceLength, stride);
    }

    /// <summary>Gathers a batch of windows as ids, time-major: inputs and targets (T, B). Allocates nothing.</summary>
    /// <param name="windows">The window indices, in batch order.</param>
    /// <param name="inputIds">Receives the input ids; length T·B.</param>
    /// <param name="targetIds">Receives the next-character ids; length T·B.</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A window index is outside [0, <see cref="Count"/>).</exception>
    public void CopyBatchTimeMajor(ReadOnlySpan<int> windows, Span<int> inputIds, Span<int> targetIds)
    {
        long expected = (long)SequenceLength * windows.Length;
        CheckLength(inputIds.Length, expected, nameof(inputIds), "(T, B)");
        CheckLength(targetIds.Length, expected, nameof(targetIds), "(T, B)");
        CheckWindows(windows);
        int batch = windows.Length;
        for (int b = 0; b < batch; b++)
        {
            int start = windows[b] * Stride;
            for (int t = 0; t < SequenceLength; t++)
            {
                inputIds[(t * batch) + b] = _ids[start + t];
                targetIds[(t * batch) + b] = _ids[start + t + 1];
            }
        }
    }

    /// <summary>Gathers a batch of windows with one-hot inputs (T, B, V) and target ids (T, B), time-major. Allocates nothing.</summary>
    /// <param name="windows">The window indices, in batch order.</param>
    /// <param name="inputs">Receives the one-hot inputs; length T·B·V, V = <see cref="CharVocabulary.Count"/>; fully overwritten.</param>
    /// <param name="targetIds">Receives the next-character ids; length T·B.</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A window index is outside [0, <see cref="Count"/>).</exception>
    public void CopyOneHotBatchTimeMajor(ReadOnlySpan<int> windows, Span<float> inputs, Span<int> targetIds)
    {
        int vocabularySize = Vocabulary.Count;
        int batch = windows.Length;
        CheckLength(inputs.Length, (long)SequenceLength * batch * vocabularySize, nameof(inputs), "(T, B, V)");
        CheckLength(targetIds.Length, (long)SequenceLength * batch, nameof(targetIds), "(T, B)");
        CheckWindows(windows);
        inputs.Clear();
        for (int b = 0; b < batch; b++)
        {
            int start = windows[b] * Stride;
            for (int t = 0; t < SequenceLength; t++)
            {
                inputs[(((t * batch) + b) * vocabularySize) + _ids[start + t]] = 1f;
                targetIds[(t * batch) + b] = _ids[start + t + 1];
            }
        }
    }

    private void CheckWindows(ReadOnlySpan<int> windows)
    {
        foreach (int window in windows)
        {
            if ((uint)window >= (uint)Count)
            {
                ThrowHelper.ThrowOutOfRange(nameof(windows), window, $"window indices in [0, {Count})");
            }
        }
    }

    private static void CheckLength(int actual, long expected, string paramName, string shape)
    {
        if (actual != expected)
        {
            ThrowHelper.ThrowLength(paramName, expected, actual, shape);
        }
    }
}
