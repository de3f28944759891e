namespace FastLstm.Serialization;

/// <summary>
/// The byte layout of a FastLstm model file (format version 1), in one place. All numbers are little-endian;
/// ModelFileFormat.md beside this file describes every field.
/// </summary>
/// <remarks>
/// <code>
/// header   magic (8) "\x89FLM\r\n\x1A\n" | format version u32 | section count u32 | file length u64 | CRC-32 of the 24 bytes before it (4)
/// section  tag (4 ASCII) | payload length u64 | payload | CRC-32 of tag, length and payload (4)
/// </code>
/// The magic and the version (the first 12 bytes) keep their place in every future version, so any version can
/// say which version a file is. A tag whose first letter is upper case is critical (a reader that does not know it
/// refuses the file); lower case is ancillary (skipped after its checksum is checked), as in PNG.
/// </remarks>
internal static class ModelFileLayout
{
    /// <summary>8 bytes, PNG-style: a non-ASCII first byte, the name, then CR LF, EOF (^Z) and LF, so a transfer
    /// that rewrites line ends or strips the 8th bit is caught at the first bytes.</summary>
    public static ReadOnlySpan<byte> Magic => [0x89, (byte)'F', (byte)'L', (byte)'M', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Magic 8, version 4, section count 4, file length 8, CRC 4.</summary>
    public const int HeaderSize = 28;

    /// <summary>The bytes the header CRC covers (everything before it).</summary>
    public const int HeaderCheckedSize = 24;

    /// <summary>Tag 4, payload length 8.</summary>
    public const int SectionHeaderSize = 12;

    /// <summary>The CRC after the payload.</summary>
    public const int SectionTrailerSize = 4;

    /// <summary>Bytes of the ARCH payload.</summary>
    public const int ArchitectureSize = 32;

    /// <summary>Bytes of one HIST record: epoch 4, train metrics 6·8, validation metrics 6·8, learning rate 4, is-best 1.</summary>
    public const int EpochRecordSize = 4 + (6 * 8) + (6 * 8) + 4 + 1;

    // Section tags, as the u32 their four ASCII bytes read as little-endian.
    public const uint Architecture = 'A' | ('R' << 8) | ('C' << 16) | ((uint)'H' << 24);
    public const uint Parameters = 'P' | ('A' << 8) | ('R' << 16) | ((uint)'M' << 24);
    public const uint Metadata = 'M' | ('E' << 8) | ('T' << 16) | ((uint)'A' << 24);
    public const uint Statistics = 'S' | ('T' << 8) | ('A' << 16) | ((uint)'T' << 24);
    public const uint Vocabulary = 'V' | ('O' << 8) | ('C' << 16) | ((uint)'B' << 24);
    public const uint History = 'H' | ('I' << 8) | ('S' << 16) | ((uint)'T' << 24);
    public const uint Checkpoint = 'C' | ('K' << 8) | ('P' << 16) | ((uint)'T' << 24);

    // ARCH flag bits; the other bits must be 0.
    public const byte FlagBidirectional = 1;
    public const byte FlagPeephole = 2;
    public const byte FlagGruLinearBeforeReset = 4;
    public const byte FlagBias = 8;
    public const byte KnownFlags = FlagBidirectional | FlagPeephole | FlagGruLinearBeforeReset | FlagBias;

    // Stable codes of CellKind and HeadMode in the file (never the enums' numeric values, which may be reordered).
    public static byte CellCode(CellKind cell) => cell switch
    {
        CellKind.RnnTanh => 0,
        CellKind.RnnRelu => 1,
        CellKind.Lstm => 2,
        CellKind.Gru => 3,
        _ => throw new ArgumentOutOfRangeException(nameof(cell), cell, "Not a defined CellKind."),
    };

    public static bool TryCell(byte code, out CellKind cell)
    {
        cell = code switch
        {
            0 => CellKind.RnnTanh,
            1 => CellKind.RnnRelu,
            2 => CellKind.Lstm,
            3 => CellKind.Gru,
            _ => (CellKind)(-1),
        };
        return code <= 3;
    }

    public static byte HeadCode(Training.HeadMode head) => head switch
    {
        Training.HeadMode.LastStep => 0,
        Training.HeadMode.EveryStep => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(head), head, "Not a defined HeadMode."),
    };

    public static bool TryHead(byte code, out Training.HeadMode head)
    {
        head = code == 0 ? Training.HeadMode.LastStep : Training.HeadMode.EveryStep;
        return code <= 1;
    }

    /// <summary>The tag as text for messages ("PARM"); bytes that are not printable ASCII show as '?'.</summary>
    public static string TagText(uint tag)
    {
        Span<char> text = stackalloc char[4];
        for (int i = 0; i < 4; i++)
        {
            uint b = (tag >> (8 * i)) & 0xFF;
            text[i] = b is >= 0x20 and < 0x7F ? (char)b : '?';
        }

        return new string(text);
    }

    /// <summary>Whether every byte of the tag is an ASCII letter or digit.</summary>
    public static bool IsWellFormedTag(uint tag)
    {
        for (int i = 0; i < 4; i++)
        {
            uint b = (tag >> (8 * i)) & 0xFF;
            if (!(b is >= '0' and <= '9' or >= 'A' and <= 'Z' or >= 'a' and <= 'z'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Critical tags start with an upper-case letter (a reader must understand them); ancillary ones with lower case.</summary>
    public static bool IsCritical(uint tag) => (tag & 0xFF) is >= 'A' and <= 'Z';
}
