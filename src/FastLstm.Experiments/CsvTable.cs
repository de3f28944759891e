using System.Globalization;
using System.Text;

namespace FastLstm.Experiments;

/// <summary>A CSV file written row by row (invariant culture, flushed per row so a long run can be watched).</summary>
public sealed class CsvTable : IDisposable
{
    private readonly StreamWriter _writer;

    /// <summary>Creates (or replaces) <paramref name="path"/> and writes the header.</summary>
    public CsvTable(string path, params string[] columns)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        _writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        _writer.WriteLine(string.Join(',', columns));
        _writer.Flush();
    }

    /// <summary>Writes one row; numbers in invariant culture with round-trip precision for doubles and floats.</summary>
    public void Row(params object[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var cells = new string[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            cells[i] = values[i] switch
            {
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                float f => f.ToString("R", CultureInfo.InvariantCulture),
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                _ => values[i]?.ToString() ?? "",
            };
        }

        _writer.WriteLine(string.Join(',', cells));
        _writer.Flush();
    }

    /// <inheritdoc/>
    public void Dispose() => _writer.Dispose();
}
