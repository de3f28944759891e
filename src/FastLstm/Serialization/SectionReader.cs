using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;

namespace FastLstm.Serialization;

/// <summary>
/// Reads the payload of one section of a hostile file: every read checks the bytes left first and fails with a
/// <see cref="ModelFormatException"/> that names the file, the section and the byte offset. Nothing is allocated from
/// a count before the count has been checked against the bytes that would have to hold it.
/// </summary>
internal ref struct SectionReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly string _source;
    private readonly string _section;
    private readonly long _fileOffset;
    private int _position;

    /// <param name="data">The payload.</param>
    /// <param name="source">The file name (or "stream") for messages.</param>
    /// <param name="section">The section tag for messages.</param>
    /// <param name="fileOffset">Where the payload starts in the file, for messages.</param>
    public SectionReader(ReadOnlySpan<byte> data, string source, string section, long fileOffset)
    {
        _data = data;
        _source = source;
        _section = section;
        _fileOffset = fileOffset;
        _position = 0;
    }

    /// <summary>Bytes not read yet.</summary>
    public readonly int Remaining => _data.Length - _position;

    public byte ReadByte(string what) => Take(1, what)[0];

    public int ReadInt32(string what) => BinaryPrimitives.ReadInt32LittleEndian(Take(4, what));

    public uint ReadUInt32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, what));

    public long ReadInt64(string what) => BinaryPrimitives.ReadInt64LittleEndian(Take(8, what));

    public float ReadSingle(string what) => BinaryPrimitives.ReadSingleLittleEndian(Take(4, what));

    public double ReadDouble(string what) => BinaryPrimitives.ReadDoubleLittleEndian(Take(8, what));

    /// <summary>A byte that must be 0 or 1.</summary>
    public bool ReadBoolean(string what)
    {
        byte value = ReadByte(what);
        if (value > 1)
        {
            Fail($"{what} must be 0 or 1; got {value}.");
        }

        return value == 1;
    }

    /// <summary>
    /// A u32 count of items that take at least <paramref name="minBytesPerItem"/> bytes each: checked against
    /// <paramref name="max"/> and against the bytes left, so a crafted count cannot make the caller allocate.
    /// </summary>
    public int ReadCount(string what, int max, int minBytesPerItem)
    {
        uint count = ReadUInt32(what);
        if (count > (uint)max)
        {
            Fail($"{what} is {count}; at most {max} is allowed.");
        }

        if ((long)count * minBytesPerItem > Remaining)
        {
            Fail($"{what} is {count}, which needs at least {(long)count * minBytesPerItem} bytes; the section has {Remaining} left (truncated or damaged).");
        }

        return (int)count;
    }

    /// <summary>The UTF-8 bytes of a string (u32 length, then the bytes), at most <paramref name="maxBytes"/> long and valid UTF-8.</summary>
    public ReadOnlySpan<byte> ReadUtf8(string what, int maxBytes)
    {
        uint length = ReadUInt32(what + " length");
        if (length > (uint)maxBytes)
        {
            Fail($"{what} is {length} bytes long; at most {maxBytes} is allowed.");
        }

        ReadOnlySpan<byte> bytes = Take((int)length, what);
        if (!Utf8.IsValid(bytes))
        {
            Fail($"{what} is not valid UTF-8.");
        }

        return bytes;
    }

    /// <summary>A string (u32 length, UTF-8 bytes), at most <paramref name="maxBytes"/> bytes.</summary>
    public string ReadString(string what, int maxBytes) => Encoding.UTF8.GetString(ReadUtf8(what, maxBytes));

    /// <summary>Fills <paramref name="destination"/> with little-endian float32 values.</summary>
    public void ReadSingles(Span<float> destination, string what)
    {
        ReadOnlySpan<byte> bytes = Take((long)destination.Length * sizeof(float), what);
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, float>(bytes).CopyTo(destination);
            return;
        }

        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * sizeof(float)));
        }
    }

    /// <summary>Fills <paramref name="destination"/> with little-endian float64 values.</summary>
    public void ReadDoubles(Span<double> destination, string what)
    {
        ReadOnlySpan<byte> bytes = Take((long)destination.Length * sizeof(double), what);
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes.Slice(i * sizeof(double)));
        }
    }

    /// <summary>The next <paramref name="count"/> bytes.</summary>
    public ReadOnlySpan<byte> Take(long count, string what)
    {
        if (count < 0 || count > Remaining)
        {
            Fail($"{what} needs {count} bytes; the section has {Remaining} left (truncated or damaged).");
        }

        ReadOnlySpan<byte> bytes = _data.Slice(_position, (int)count);
        _position += (int)count;
        return bytes;
    }

    /// <summary>Fails unless every byte of the payload was read.</summary>
    public readonly void ExpectEnd()
    {
        if (Remaining != 0)
        {
            Fail($"{Remaining} bytes follow the section's last field.");
        }
    }

    /// <summary>Throws a <see cref="ModelFormatException"/> naming the file, the section and the current offset.</summary>
    [DoesNotReturn]
    public readonly void Fail(string message) =>
        throw new ModelFormatException($"{_source}: section {_section} at byte {_fileOffset + _position}: {message}");
}
