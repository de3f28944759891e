using System.Globalization;

namespace FastLstm.Data;

/// <summary>
/// Orders the text of time stamps and labels: as numbers when both parse as numbers (so -6000 comes before
/// -5999, and 9 before 10), otherwise by ordinal comparison (equal numbers written differently, 1 and 1.0, compare equal), which is chronological for ISO 8601 dates and
/// times (1949-01, 2000-06-05T00:30).
/// </summary>
internal static class ValueOrder
{
    public static int Compare(string left, string right)
    {
        if (double.TryParse(left, NumberStyles.Float, CultureInfo.InvariantCulture, out double l)
            && double.TryParse(right, NumberStyles.Float, CultureInfo.InvariantCulture, out double r))
        {
            return l.CompareTo(r);
        }

        return string.CompareOrdinal(left, right);
    }

    /// <summary>Sorts label names: numerically when every name is a number, else ordinally.</summary>
    public static string[] SortLabels(IEnumerable<string> names)
    {
        string[] sorted = [.. names];
        bool allNumbers = true;
        foreach (string name in sorted)
        {
            if (!double.TryParse(name, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                allNumbers = false;
                break;
            }
        }

        if (allNumbers)
        {
            // Equal values written differently (1 and 1.0) are told apart by their text, so the order is total.
            Array.Sort(sorted, static (a, b) => Compare(a, b) is var c && c != 0 ? c : string.CompareOrdinal(a, b));
        }
        else
        {
            Array.Sort(sorted, StringComparer.Ordinal);
        }

        return sorted;
    }
}
