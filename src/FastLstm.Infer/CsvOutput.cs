using System.Globalization;

namespace FastLstm.Infer;

/// <summary>Writes rows of floats as CSV (shortest round-trip form, invariant culture) through one reusable byte buffer.</summary>
internal sealed class CsvOutput(Stream stream)
{
    // The longest float text ("-1.1754944E-38") is 14 bytes; 32 leaves room for the separator.
    private const int MaxNumberBytes = 32;

    private readonly byte[] _buffer = new byte[1 << 16];
    private int _length;

    /// <summary>Writes <paramref name="values"/> as one line.</summary>
    public void WriteRow(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            Reserve(MaxNumberBytes);
            if (i > 0)
            {
                _buffer[_length++] = (byte)',';
            }

            values[i].TryFormat(_buffer.AsSpan(_length), out int written, default, CultureInfo.InvariantCulture);
            _length += written;
        }

        Reserve(1);
        _buffer[_length++] = (byte)'\n';
    }

    /// <summary>Writes an empty line (the end of a sequence).</summary>
    public void WriteBlankLine()
    {
        Reserve(1);
        _buffer[_length++] = (byte)'\n';
    }

    /// <summary>Sends what is buffered to the stream.</summary>
    public void Flush()
    {
        if (_length > 0)
        {
            stream.Write(_buffer, 0, _length);
            _length = 0;
        }

        stream.Flush();
    }

    private void Reserve(int bytes)
    {
        if (_length + bytes > _buffer.Length)
        {
            stream.Write(_buffer, 0, _length);
            _length = 0;
        }
    }
}
