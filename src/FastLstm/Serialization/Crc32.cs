using System.Buffers.Binary;

namespace FastLstm.Serialization;

/// <summary>
/// CRC-32 as in zlib, PNG, gzip and Ethernet (ISO-HDLC): reflected polynomial 0xEDB88320 (0x04C11DB7 unreflected),
/// initial value 0xFFFFFFFF, final XOR 0xFFFFFFFF; the check value of the ASCII bytes "123456789" is 0xCBF43926.
/// The same numbers as System.IO.Hashing's <c>Crc32</c>, which the tests compare against; kept here so the engine
/// needs no package beyond System.Numerics.Tensors.
/// </summary>
/// <remarks>
/// Slicing-by-8 (Intel's method, as in zlib's "braided" CRC): eight 256-entry tables, where table k gives the CRC
/// contribution of a byte followed by k zero bytes, let the loop fold eight input bytes per iteration with eight
/// independent lookups instead of a chain of eight dependent ones. The scalar equivalent of one iteration is eight
/// rounds of <c>crc = T0[(crc ^ b) &amp; 0xFF] ^ (crc &gt;&gt; 8)</c>; the tail (fewer than 8 bytes) runs exactly that.
/// The tables (8 KiB) are computed once from the polynomial, not stored.
/// </remarks>
internal static class Crc32
{
    private const uint Polynomial = 0xEDB88320u;

    // Table[k * 256 + n]: the CRC register after feeding byte n then k zero bytes into a zero register.
    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Continues <paramref name="crc"/> (a CRC returned by this class, 0 for none) over <paramref name="data"/>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint[] table = Table;
        uint register = ~crc;
        while (data.Length >= 8)
        {
            // The first four bytes meet the register; the last four enter with no register bits (it has shifted out).
            uint low = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ register;
            uint high = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(4));
            register =
                table[(7 * 256) + (low & 0xFF)] ^
                table[(6 * 256) + ((low >> 8) & 0xFF)] ^
                table[(5 * 256) + ((low >> 16) & 0xFF)] ^
                table[(4 * 256) + (low >> 24)] ^
                table[(3 * 256) + (high & 0xFF)] ^
                table[(2 * 256) + ((high >> 8) & 0xFF)] ^
                table[(1 * 256) + ((high >> 16) & 0xFF)] ^
                table[high >> 24];
            data = data.Slice(8);
        }

        foreach (byte b in data)
        {
            register = table[(register ^ b) & 0xFF] ^ (register >> 8);
        }

        return ~register;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[8 * 256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int bit = 0; bit < 8; bit++)
            {
                c = (c & 1) != 0 ? Polynomial ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        for (int k = 1; k < 8; k++)
        {
            for (int n = 0; n < 256; n++)
            {
                uint previous = table[((k - 1) * 256) + n];
                table[(k * 256) + n] = table[previous & 0xFF] ^ (previous >> 8);
            }
        }

        return table;
    }
}
