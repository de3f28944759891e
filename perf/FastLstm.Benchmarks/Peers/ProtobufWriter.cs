using System.Buffers.Binary;
using System.Text;

namespace FastLstm.Benchmarks.Peers;

/// <summary>
/// The few parts of the protobuf wire format an ONNX model needs (protobuf.dev, "Encoding"): varint fields
/// (wire type 0) and length-delimited fields (wire type 2: strings, bytes, nested messages). Fields are written
/// in call order; readers accept any order. Enough for <see cref="OnnxModelBuilder"/>; not a general serializer.
/// </summary>
internal sealed class ProtobufWriter
{
    private const int WireVarint = 0;
    private const int WireLengthDelimited = 2;
    private readonly MemoryStream _stream = new();

    /// <summary>An int32/int64/enum field (non-negative here), as a varint.</summary>
    public void Varint(int field, long value)
    {
        Tag(field, WireVarint);
        RawVarint((ulong)value);
    }

    /// <summary>A string field, UTF-8.</summary>
    public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A bytes field.</summary>
    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, WireLengthDelimited);
        RawVarint((ulong)value.Length);
        _stream.Write(value);
    }

    /// <summary>A bytes field holding little-endian IEEE 754 floats (ONNX TensorProto.raw_data).</summary>
    public void FloatsAsBytes(int field, ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        }

        Bytes(field, bytes);
    }

    /// <summary>A nested message field: <paramref name="write"/> fills the message, which is then length-prefixed.</summary>
    public void Message(int field, Action<ProtobufWriter> write)
    {
        var child = new ProtobufWriter();
        write(child);
        Bytes(field, child.ToArray());
    }

    /// <summary>The bytes written so far.</summary>
    public byte[] ToArray() => _stream.ToArray();

    private void Tag(int field, int wireType) => RawVarint((ulong)((field << 3) | wireType));

    private void RawVarint(ulong value)
    {
        // Seven bits per byte, least significant group first; the high bit says another byte follows.
        while (value >= 0x80)
        {
            _stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        _stream.WriteByte((byte)value);
    }
}
