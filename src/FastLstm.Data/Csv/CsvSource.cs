using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using CsvHelper;

namespace FastLstm.Data;

/// <summary>
/// A CSV file read one record at a time with CsvHelper, with the checks every loader shares: a header row,
/// columns looked up by exact name, rectangular rows, and numbers parsed from the UTF-8 bytes of the field with
/// the invariant culture (no string per field). Every failure is a <see cref="DataFormatException"/> naming the
/// file, the line and the column.
/// </summary>
/// <remarks>
/// Blank lines are skipped (a trailing newline is common); line numbers still count them. Quoted fields
/// (RFC 4180) may hold separators and line breaks. One instance belongs to one thread.
/// </remarks>
internal sealed class CsvSource : IDisposable
{
    // Longest piece of a bad field quoted back in a message.
    private const int MaxQuotedLength = 40;

    private readonly CsvReader _reader;
    private readonly string[] _headers;

    private CsvSource(CsvReader reader, string name)
    {
        _reader = reader;
        Name = name;
        IReadOnlyList<string> headers = reader.Headers;
        _headers = new string[headers.Count];
        for (int i = 0; i < _headers.Length; i++)
        {
            _headers[i] = headers[i];
        }

        if (_headers.Length == 0 || (_headers.Length == 1 && string.IsNullOrWhiteSpace(_headers[0])))
        {
            reader.Dispose();
            throw new DataFormatException(name, 1, null, "the file is empty: expected a header row naming the columns.");
        }
    }

    /// <summary>The file path or stream name, as given.</summary>
    public string Name { get; }

    /// <summary>The header names as written, in file order.</summary>
    public IReadOnlyList<string> Headers => _headers;

    /// <summary>The 1-based line where the current record starts (the header is line 1).</summary>
    public long Line => _reader.LineNumber;

    /// <summary>Opens a file. The file is read sequentially and never held in memory whole.</summary>
    public static CsvSource OpenFile(string path, char separator)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CsvReader reader = CsvReader.FromFile(path, Options(separator), FileOptions.SequentialScan);
        return Create(reader, path);
    }

    /// <summary>Reads a stream (UTF-8, or UTF-16/32 with a byte order mark).</summary>
    public static CsvSource OpenStream(Stream stream, string name, char separator, bool leaveOpen)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(name);
        CsvReader reader = CsvReader.Create(stream, Options(separator), leaveOpen);
        return Create(reader, name);
    }

    /// <summary>
    /// The index of the column named <paramref name="name"/>: ordinal and case-sensitive, with white space around
    /// header names ignored (a header written "t, x" has a column "x").
    /// </summary>
    /// <exception cref="DataFormatException">No column, or more than one, has that name.</exception>
    public int Column(string name)
    {
        int found = -1;
        for (int i = 0; i < _headers.Length; i++)
        {
            if (_headers[i].AsSpan().Trim().SequenceEqual(name))
            {
                if (found >= 0)
                {
                    throw new DataFormatException(
                        Name, 1, name, $"the header names this column twice (columns {found + 1} and {i + 1}), so it is ambiguous.");
                }

                found = i;
            }
        }

        if (found < 0)
        {
            throw new DataFormatException(
                Name, 1, name, $"no such column; the header has: '{string.Join("', '", _headers)}'.");
        }

        return found;
    }

    /// <summary>Advances to the next record; false at the end of the input.</summary>
    /// <exception cref="DataFormatException">The record does not have one field per header column.</exception>
    public bool Read()
    {
        if (!_reader.Read())
        {
            return false;
        }

        if (_reader.FieldCount != _headers.Length)
        {
            ThrowRagged(_reader.FieldCount);
        }

        return true;
    }

    /// <summary>The bytes of field <paramref name="column"/> of the current record, unquoted; valid until the next read.</summary>
    public ReadOnlySpan<byte> Field(int column) => _reader.GetSpan(column);

    /// <summary>The field with surrounding ASCII white space removed.</summary>
    public ReadOnlySpan<byte> TrimmedField(int column)
    {
        ReadOnlySpan<byte> span = _reader.GetSpan(column);
        return span[Ascii.Trim(span)];
    }

    /// <summary>Whether the field is empty or white space only.</summary>
    public bool IsEmpty(int column) => TrimmedField(column).IsEmpty;

    /// <summary>Parses a number; an empty cell, text or a value that is not a finite float is an error.</summary>
    public float ReadFloat(int column)
    {
        if (!TryReadFloat(column, out float value))
        {
            Fail(column, "empty cell: expected a number.");
        }

        return value;
    }

    /// <summary>Parses a number; false for an empty cell. Text or a value that is not a finite float is an error.</summary>
    public bool TryReadFloat(int column, out float value)
    {
        ReadOnlySpan<byte> span = TrimmedField(column);
        if (span.IsEmpty)
        {
            value = 0f;
            return false;
        }

        if (!float.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            Fail(column, $"'{Quote(span)}' is not a number.");
        }

        if (!float.IsFinite(value))
        {
            Fail(column, $"'{Quote(span)}' is not a finite 32-bit number (NaN, infinity or out of range).");
        }

        return true;
    }

    /// <summary>The field as a string with surrounding white space removed; an empty cell is an error.</summary>
    public string ReadString(int column)
    {
        ReadOnlySpan<byte> span = TrimmedField(column);
        if (span.IsEmpty)
        {
            Fail(column, "empty cell: expected a value.");
        }

        return Encoding.UTF8.GetString(span);
    }

    /// <summary>The field as a string, exactly as in the file (unquoted), possibly empty.</summary>
    public string ReadRawString(int column) => _reader.GetString(column);

    /// <summary>Throws a <see cref="DataFormatException"/> for the current line and <paramref name="column"/>.</summary>
    [DoesNotReturn]
    public void Fail(int column, string problem) =>
        throw new DataFormatException(Name, Line, _headers[column], problem);

    /// <summary>Throws a <see cref="DataFormatException"/> for <paramref name="line"/> and <paramref name="column"/>.</summary>
    [DoesNotReturn]
    public void Fail(long line, int column, string problem) =>
        throw new DataFormatException(Name, line, _headers[column], problem);

    /// <summary>A field's text for a message: decoded, shortened to a readable length.</summary>
    public static string Quote(ReadOnlySpan<byte> utf8)
    {
        string text = Encoding.UTF8.GetString(utf8.Length > MaxQuotedLength * 4 ? utf8[..(MaxQuotedLength * 4)] : utf8);
        return text.Length > MaxQuotedLength ? string.Concat(text.AsSpan(0, MaxQuotedLength), "...") : text;
    }

    /// <inheritdoc/>
    public void Dispose() => _reader.Dispose();

    private static CsvSource Create(CsvReader reader, string name)
    {
        try
        {
            return new CsvSource(reader, name);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    private static CsvReaderOptions Options(char separator) => new()
    {
        Separator = separator,
        HasHeader = true,
        Mode = CsvMode.Rfc4180,
        TrackLineNumbers = true,
        SkipEmptyLines = true,
        DetectSeparatorHint = false,
        FormatProvider = CultureInfo.InvariantCulture,
        FieldCountMismatch = CsvFieldCountHandling.Allow, // checked here, to name the line and column
        MissingField = CsvMissingFieldHandling.ReturnEmpty,
        MalformedData = CsvMalformedDataHandling.Recover,
    };

    [DoesNotReturn]
    private void ThrowRagged(int fieldCount)
    {
        int expected = _headers.Length;
        if (fieldCount < expected)
        {
            Fail(
                fieldCount,
                $"ragged row: {fieldCount} field(s) where the header has {expected} columns, so this column has no value.");
        }

        throw new DataFormatException(
            Name,
            Line,
            $"#{expected + 1}",
            $"ragged row: {fieldCount} fields where the header has {expected} columns (the last is '{_headers[^1]}'), so field {expected + 1} has no column.");
    }
}
