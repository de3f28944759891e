namespace FastLstm.Data;

/// <summary>Texts with one class each, for many-to-one sequence classification.</summary>
/// <remarks>Immutable; may be read from several threads at once.</remarks>
public sealed class LabelledTextDataset
{
    private readonly LabelledText[] _items;
    private readonly string[] _labelNames;

    internal LabelledTextDataset(LabelledText[] items, string[] labelNames, string source)
    {
        _items = items;
        _labelNames = labelNames;
        Source = source;
    }

    /// <summary>The file the texts were read from, as the caller named it.</summary>
    public string Source { get; }

    /// <summary>The texts and their label indices, in file order.</summary>
    public IReadOnlyList<LabelledText> Items => _items;

    /// <summary>The number of texts.</summary>
    public int Count => _items.Length;

    /// <summary>The label names; label index k is <c>LabelNames[k]</c>.</summary>
    public IReadOnlyList<string> LabelNames => _labelNames;

    /// <summary>How many texts have each label.</summary>
    /// <returns>One count per label, in label order.</returns>
    public int[] CountPerLabel()
    {
        var counts = new int[_labelNames.Length];
        foreach (LabelledText item in _items)
        {
            counts[item.Label]++;
        }

        return counts;
    }

    /// <summary>The length of the longest text, in characters.</summary>
    /// <returns>The maximum, 0 for no texts.</returns>
    public int MaxLength()
    {
        int max = 0;
        foreach (LabelledText item in _items)
        {
            max = Math.Max(max, item.Text.Length);
        }

        return max;
    }
}
