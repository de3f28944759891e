namespace FastLstm.Data;

/// <summary>Checks lists of column names given by callers.</summary>
internal static class ColumnList
{
    /// <summary>A copy of <paramref name="names"/>: at least one, none null or empty, no repeats.</summary>
    public static string[] Copy(IReadOnlyList<string> names, string paramName)
    {
        ArgumentNullException.ThrowIfNull(names, paramName);
        if (names.Count == 0)
        {
            ThrowHelper.ThrowArgument(paramName, "Expected at least one column name; got none.");
        }

        var copy = new string[names.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < copy.Length; i++)
        {
            string name = names[i] ?? throw new ArgumentNullException(paramName, $"Column name {i} is null.");
            if (name.Length == 0)
            {
                ThrowHelper.ThrowArgument(paramName, $"Expected non-empty column names; name {i} is empty.");
            }

            if (!seen.Add(name))
            {
                ThrowHelper.ThrowArgument(paramName, $"Expected distinct column names; '{name}' is given twice.");
            }

            copy[i] = name;
        }

        return copy;
    }
}
