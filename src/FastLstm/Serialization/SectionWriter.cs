using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace FastLstm.Serialization;

/// <summary>Builds the payload of one section in memory, little-endian, growing its buffer by doubling.</summary>
internal sealed class SectionWriter
{
    private byte[] _buffer;
    private int _length;

    public SectionWriter(uint tag, int capacity = 256)
    {
        Tag = tag;
        _buffer = new byte[Math.Max(capacity, 16)];
    }

    /// <summary>The section's tag.</summary>
    public uint Tag { get; }

    /// <summary>The payload written so far.</summary>
    public ReadOnlySpan<byte> Payload => _buffer.AsSpan(0, _length);

    public void WriteByte(byte value) => Grow(1)[0] = value;

    public void WriteBoolean(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Grow(4), value);

    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Grow(4), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Grow(8), value);

    public void WriteSingle(float value) => BinaryPrimitives.WriteSingleLittleEndian(Grow(4), value);

    public void WriteDouble(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Grow(8), value);

    /// <summary>u32 byte length, then the UTF-8 bytes.</summary>
    public void WriteString(string value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        WriteUInt32((uint)length);
        Encoding.UTF8.GetBytes(value, Grow(length));
    }

    public void WriteSingles(ReadOnlySpan<float> values)
    {
        Span<byte> bytes = Grow(checked(values.Length * sizeof(float)));
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values).CopyTo(bytes);
            return;
        }

        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.Slice(i * sizeof(float)), values[i]);
        }
    }

    public void WriteDoubles(ReadOnlySpan<double> values)
    {
        Span<byte> bytes = Grow(checked(values.Length * sizeof(double)));
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.Slice(i * sizeof(double)), values[i]);
        }
    }

    /// <summary>The next <paramref name="count"/> bytes of the payload, to be written by the caller.</summary>
    private Span<byte> Grow(int count)
    {
        long needed = (long)_length + count;
        if (needed > _buffer.Length)
        {
            long capacity = Math.Max(needed, Math.Min((long)_buffer.Length * 2, Array.MaxLength));
            if (capacity > Array.MaxLength)
            {
                throw new ArgumentException($"A section of the model file would exceed {Array.MaxLength} bytes.");
            }

            Array.Resize(ref _buffer, (int)capacity);
        }

        Span<byte> span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
