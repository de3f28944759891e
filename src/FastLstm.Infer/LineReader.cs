namespace FastLstm.Infer;

/// <summary>
/// Reads lines of UTF-8 bytes from a stream through one reusable buffer (no allocation per line). Before each read
/// that may block it calls <c>beforeBlockingRead</c>, so the outputs of every line received so far are flushed
/// while the program waits for more: interactive over a pipe, yet one write per buffer-full on a file.
/// </summary>
internal sealed class LineReader(Stream stream, Action beforeBlockingRead)
{
    private byte[] _buffer = new byte[1 << 16];
    private int _start;
    private int _end;
    private bool _eof;

    /// <summary>The 1-based number of the line last returned.</summary>
    public long LineNumber { get; private set; }

    /// <summary>The next line without its CR LF / LF, valid until the next call; false at the end of the stream.</summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            int newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                line = TrimCarriageReturn(_buffer.AsSpan(_start, newline));
                _start += newline + 1;
                LineNumber++;
                return true;
            }

            if (_eof)
            {
                if (_start < _end)
                {
                    line = TrimCarriageReturn(_buffer.AsSpan(_start, _end - _start));
                    _start = _end;
                    LineNumber++;
                    return true;
                }

                line = default;
                return false;
            }

            Fill();
        }
    }

    private void Fill()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);   // a line longer than the buffer
        }

        beforeBlockingRead();
        int read = stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
    }

    private static ReadOnlySpan<byte> TrimCarriageReturn(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;
}
