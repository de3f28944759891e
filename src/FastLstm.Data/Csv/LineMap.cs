namespace FastLstm.Data;

/// <summary>
/// Maps a 0-based data row to the 1-based line of the file it starts on, for error messages about rows found
/// after loading (too few rows for a window, a column with no values). Row r is usually on line r + 2 (after
/// the header), so only the rows where that offset changes (skipped blank lines, quoted line breaks) are
/// stored: a few entries, not one per row.
/// </summary>
internal sealed class LineMap
{
    private readonly List<int> _rows = [];
    private readonly List<long> _lines = [];

    /// <summary>Records that <paramref name="row"/> starts on <paramref name="line"/>; rows come in increasing order.</summary>
    public void Add(int row, long line)
    {
        if (_rows.Count == 0 || line - _lines[^1] != row - _rows[^1])
        {
            _rows.Add(row);
            _lines.Add(line);
        }
    }

    /// <summary>The line of <paramref name="row"/>, extrapolated past the last row recorded.</summary>
    public long LineOf(int row)
    {
        if (_rows.Count == 0)
        {
            return 0;
        }

        int index = _rows.BinarySearch(row);
        if (index < 0)
        {
            index = Math.Max(~index - 1, 0);
        }

        return _lines[index] + (row - _rows[index]);
    }
}
