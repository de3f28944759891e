namespace FastLstm.Data;

/// <summary>
/// Assigns label indices while a file is read. With a fixed list of names, a label outside it is an error
/// naming the line. Without one, labels get provisional indices in order of first appearance, and
/// <see cref="Finish"/> sorts the names (numerically when all are numbers, else ordinally) and says how to
/// renumber, so the indices do not depend on the order of the rows.
/// </summary>
internal sealed class LabelIndex
{
    private readonly string[]? _fixed;
    private readonly Dictionary<string, int> _indices = new(StringComparer.Ordinal);
    private readonly List<string> _seen = [];

    public LabelIndex(string[]? fixedNames)
    {
        _fixed = fixedNames;
        if (fixedNames is not null)
        {
            for (int i = 0; i < fixedNames.Length; i++)
            {
                _indices[fixedNames[i]] = i;
            }
        }
    }

    /// <summary>The (provisional) index of the label in <paramref name="column"/> of the current record.</summary>
    public int IndexOf(CsvSource csv, int column)
    {
        string label = csv.ReadString(column);
        if (_indices.TryGetValue(label, out int index))
        {
            return index;
        }

        if (_fixed is not null)
        {
            csv.Fail(column, $"label '{label}' is not one of the expected labels: {string.Join(", ", _fixed)}.");
        }

        index = _seen.Count;
        _seen.Add(label);
        _indices.Add(label, index);
        return index;
    }

    /// <summary>The final names, and the final index of each provisional index.</summary>
    public int[] Finish(out string[] names)
    {
        if (_fixed is not null)
        {
            names = _fixed;
            var identity = new int[_fixed.Length];
            for (int i = 0; i < identity.Length; i++)
            {
                identity[i] = i;
            }

            return identity;
        }

        names = ValueOrder.SortLabels(_seen);
        var remap = new int[_seen.Count];
        for (int i = 0; i < names.Length; i++)
        {
            remap[_indices[names[i]]] = i;
        }

        return remap;
    }
}
