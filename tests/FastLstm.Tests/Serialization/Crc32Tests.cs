using System.Text;
using Xunit;
using EngineCrc32 = FastLstm.Serialization.Crc32;
using ReferenceCrc32 = System.IO.Hashing.Crc32;

namespace FastLstm.Tests.Serialization;

public class Crc32Tests
{
    [Fact]
    public void CheckValue_Of123456789_IsCbf43926()
    {
        // The catalogue check value of CRC-32/ISO-HDLC (zlib, PNG, gzip).
        Assert.Equal(0xCBF43926u, EngineCrc32.Compute(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0u, EngineCrc32.Compute([]));
    }

    [Fact]
    public void EveryLength0To1100_MatchesSystemIoHashing()
    {
        // Lengths around the 8-byte stride and every misalignment of the slicing loop's tail.
        var random = new Random(5);
        byte[] data = new byte[1100];
        random.NextBytes(data);
        for (int length = 0; length <= data.Length; length++)
        {
            ReadOnlySpan<byte> span = data.AsSpan(0, length);
            Assert.Equal(ReferenceCrc32.HashToUInt32(span), EngineCrc32.Compute(span));
        }
    }

    [Fact]
    public void Append_InPieces_EqualsTheWhole()
    {
        var random = new Random(6);
        byte[] data = new byte[777];
        random.NextBytes(data);
        for (int split = 0; split <= data.Length; split += 13)
        {
            uint crc = EngineCrc32.Append(EngineCrc32.Compute(data.AsSpan(0, split)), data.AsSpan(split));
            Assert.Equal(ReferenceCrc32.HashToUInt32(data), crc);
        }
    }

    [Fact]
    public void LargeBuffer_MatchesSystemIoHashing()
    {
        byte[] data = new byte[(1 << 20) + 3];
        new Random(7).NextBytes(data);
        Assert.Equal(ReferenceCrc32.HashToUInt32(data), EngineCrc32.Compute(data));
    }
}
