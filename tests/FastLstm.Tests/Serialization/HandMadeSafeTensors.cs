using System.Buffers.Binary;
using System.Text;

namespace FastLstm.Tests.Serialization;

/// <summary>
/// Builds safetensors bytes by hand, independently of the code under test, the way the reference writer lays them
/// out (huggingface/safetensors, safetensors/src/tensor.rs, prepare/serialize): u64 little-endian header length,
/// compact JSON header padded with spaces to a multiple of 8, then the tensors' bytes in header order.
/// </summary>
internal static class HandMadeSafeTensors
{
    public static byte[] File(string headerJson, byte[] data, bool pad = true)
    {
        byte[] header = Encoding.UTF8.GetBytes(headerJson);
        int length = pad ? (header.Length + 7) / 8 * 8 : header.Length;
        var bytes = new byte[8 + length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)length);
        header.CopyTo(bytes, 8);
        bytes.AsSpan(8 + header.Length, length - header.Length).Fill((byte)' ');
        data.CopyTo(bytes, 8 + length);
        return bytes;
    }

    public static byte[] F32(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    public static byte[] F16(params float[] values)
    {
        var bytes = new byte[values.Length * 2];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(i * 2), (Half)values[i]);
        }

        return bytes;
    }

    /// <summary>bfloat16 by truncation: exact for the values the tests use (at most 8 significant bits).</summary>
    public static byte[] BF16(params float[] values)
    {
        var bytes = new byte[values.Length * 2];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), (ushort)(BitConverter.SingleToUInt32Bits(values[i]) >> 16));
        }

        return bytes;
    }

    public static byte[] Concat(params byte[][] parts)
    {
        var all = new List<byte>();
        foreach (byte[] part in parts)
        {
            all.AddRange(part);
        }

        return [.. all];
    }
}
