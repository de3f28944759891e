using System.Buffers.Binary;
using FastLstm.Serialization;
using Xunit;

namespace FastLstm.Tests.Serialization;

/// <summary>
/// The loader against damaged and crafted files: every one must give a <see cref="ModelFormatException"/> (exactly
/// that type), quickly and without a large allocation.
/// </summary>
public class ModelFileHostileInputTests
{
    // What loading a crafted file may allocate: the exception and its message, a few small objects. A loader that
    // trusted any of the crafted counts below would allocate at least 64 MiB.
    private const long AllocationBudget = 256 * 1024;

    private static readonly byte[] Valid = ModelFileTestData.Bytes(ModelFileTestData.SmallCompleteFile());

    [Fact]
    public void ValidFile_Loads()
    {
        Assert.NotNull(ModelFile.Read(Valid).Checkpoint);
        Assert.Equal(["ARCH", "PARM", "META", "STAT", "VOCB", "HIST", "CKPT"], ModelFileTestData.Sections(Valid).Select(s => s.TagText));
    }

    [Fact]
    public void FlippedPayloadByte_InEverySection_FailsThatSectionsChecksum()
    {
        foreach (ModelFileTestData.RawSection section in ModelFileTestData.Sections(Valid))
        {
            foreach (int at in new[] { 0, section.Payload.Length / 2, section.Payload.Length - 1 })
            {
                byte[] damaged = (byte[])Valid.Clone();
                damaged[section.PayloadOffset + at] ^= 0x10;
                ModelFormatException error = Assert.Throws<ModelFormatException>(() => ModelFile.Read(damaged));
                Assert.Contains($"section {section.TagText}", error.Message);
                Assert.Contains("checksum", error.Message);
            }
        }
    }

    [Fact]
    public void FlippedByte_InEverySectionsFraming_IsRefused()
    {
        foreach (ModelFileTestData.RawSection section in ModelFileTestData.Sections(Valid))
        {
            int crcOffset = section.PayloadOffset + section.Payload.Length;
            foreach (int at in new[] { section.Offset, section.Offset + 3, section.Offset + 4, section.Offset + 11, crcOffset, crcOffset + 3 })
            {
                byte[] damaged = (byte[])Valid.Clone();
                damaged[at] ^= 0x01;
                Assert.Throws<ModelFormatException>(() => ModelFile.Read(damaged));
            }
        }
    }

    [Fact]
    public void FlippedBit_AnywhereInTheHeader_IsRefused()
    {
        for (int at = 0; at < 28; at++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                byte[] damaged = (byte[])Valid.Clone();
                damaged[at] ^= (byte)(1 << bit);
                Assert.Throws<ModelFormatException>(() => ModelFile.Read(damaged));
            }
        }
    }

    [Fact]
    public void Truncation_AtEveryOffset_IsRefused()
    {
        for (int length = 0; length < Valid.Length; length++)
        {
            ModelFormatException error = Assert.Throws<ModelFormatException>(() => ModelFile.Read(Valid.AsSpan(0, length)));
            Assert.False(string.IsNullOrWhiteSpace(error.Message));
        }
    }

    [Fact]
    public void ExtraBytesAtTheEnd_AreRefused()
    {
        byte[] longer = [.. Valid, 0];
        Assert.Contains("extra bytes", Assert.Throws<ModelFormatException>(() => ModelFile.Read(longer)).Message);
    }

    [Fact]
    public void RandomByteChanges_Thousands_AreAllRefused()
    {
        // Every byte of a file is covered by a CRC-32 (or is the signature or version, checked first), so any
        // change of 1 to 8 bytes must be caught.
        const int Seed = 20250601;
        const int Trials = 20_000;
        var random = new Random(Seed);
        byte[] damaged = new byte[Valid.Length];
        for (int trial = 0; trial < Trials; trial++)
        {
            Valid.CopyTo(damaged, 0);
            int changes = random.Next(1, 9);
            for (int c = 0; c < changes; c++)
            {
                int at = random.Next(damaged.Length);
                damaged[at] ^= (byte)random.Next(1, 256);
            }

            AssertRefused(damaged, $"seed {Seed}, trial {trial}");
        }
    }

    [Fact]
    public void RandomMutations_WithChecksumsFixedUp_LoadOrGiveModelFormatException()
    {
        // The CRCs are recomputed after each mutation, so the parser's own checks meet the damage. A mutated file may
        // still be valid (a changed weight); what must never happen is another exception type.
        const int Seed = 77;
        const int Trials = 6_000;
        var random = new Random(Seed);
        List<ModelFileTestData.RawSection> sections = ModelFileTestData.Sections(Valid);
        int loaded = 0;
        for (int trial = 0; trial < Trials; trial++)
        {
            var parts = sections.Select(s => (s.Tag, Payload: (byte[])s.Payload.Clone())).ToList();
            int target = random.Next(parts.Count);
            byte[] payload = parts[target].Payload;
            switch (random.Next(4))
            {
                case 0: // a few random bytes
                    for (int c = random.Next(1, 4); c > 0 && payload.Length > 0; c--)
                    {
                        payload[random.Next(payload.Length)] = (byte)random.Next(256);
                    }

                    break;
                case 1: // an extreme 32-bit value at a random aligned offset (counts, lengths, sizes)
                    if (payload.Length >= 4)
                    {
                        uint[] extremes = [0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x01000000, 0xFFFF];
                        BinaryPrimitives.WriteUInt32LittleEndian(payload.AsSpan(random.Next(payload.Length / 4) * 4), extremes[random.Next(extremes.Length)]);
                    }

                    break;
                case 2: // cut the payload short
                    payload = payload.AsSpan(0, random.Next(payload.Length + 1)).ToArray();
                    break;
                default: // grow it
                    payload = [.. payload, .. Enumerable.Range(0, random.Next(1, 9)).Select(_ => (byte)random.Next(256))];
                    break;
            }

            parts[target] = (parts[target].Tag, payload);
            byte[] file = ModelFileTestData.Build(parts);
            try
            {
                ModelFile.Read(file);
                loaded++;
            }
            catch (ModelFormatException)
            {
            }
            catch (Exception e)
            {
                Assert.Fail($"seed {Seed}, trial {trial}, section {sections[target].TagText}: {e.GetType().Name}: {e.Message}");
            }
        }

        // Most mutations must be caught: the structure is checked, not just the CRC.
        Assert.InRange(loaded, 1, Trials / 2);
    }

    public static TheoryData<string> CraftedFiles =>
    [
        "hidden size 2^24", "layers 1024 wide", "parameters beyond the section", "tensor count 2^31", "tensor name length 2^32-1",
        "metadata count 4096", "metadata value length 2^31", "statistics length 2^24", "vocabulary 2^20", "history 2^20",
        "optimizer buffers 64", "optimizer buffer length 2^31", "best weights 2^31", "section length 2^63", "section count 2^31", "declared length 2^62",
    ];

    [Theory]
    [MemberData(nameof(CraftedFiles))]
    public void CraftedHugeCounts_AreRefusedWithoutAllocating(string what)
    {
        byte[] file = Craft(what);
        ModelFile.Read(Valid);   // warm up: first-call costs (statics, JIT) are not the loader's allocations
        Assert.Throws<ModelFormatException>(() => ModelFile.Read(file));
        long before = GC.GetAllocatedBytesForCurrentThread();
        ModelFormatException error = Assert.Throws<ModelFormatException>(() => ModelFile.Read(file));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < AllocationBudget, $"{what}: allocated {allocated} bytes; message: {error.Message}");
    }

    [Fact]
    public void NewerFormatVersion_IsRefused_NamingBothVersions()
    {
        byte[] newer = ModelFileTestData.Build(ModelFileTestData.Sections(Valid).Select(s => (s.Tag, s.Payload)), version: 2);
        ModelFormatException error = Assert.Throws<ModelFormatException>(() => ModelFile.Read(newer));
        Assert.Contains("version 2", error.Message);
        Assert.Contains($"version {ModelFile.FormatVersion}", error.Message);
        Assert.Contains("newer", error.Message);
    }

    [Fact]
    public void NewerFormatVersion_IsRefused_EvenWithAHeaderThisVersionCannotParse()
    {
        // Only the signature and the version keep their place across versions.
        byte[] file = [0x89, (byte)'F', (byte)'L', (byte)'M', 0x0D, 0x0A, 0x1A, 0x0A, 9, 0, 0, 0];
        Assert.Contains("version 9", Assert.Throws<ModelFormatException>(() => ModelFile.Read(file)).Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"weights\": []}")]
    [InlineData("\u0089FLM\r\n")]
    public void NotAModelFile_IsRefused(string text)
    {
        Assert.Throws<ModelFormatException>(() => ModelFile.Read(System.Text.Encoding.Latin1.GetBytes(text)));
    }

    [Fact]
    public void VersionZero_IsRefused()
    {
        byte[] file = ModelFileTestData.Build(ModelFileTestData.Sections(Valid).Select(s => (s.Tag, s.Payload)), version: 0);
        Assert.Contains("version 0", Assert.Throws<ModelFormatException>(() => ModelFile.Read(file)).Message);
    }

    [Fact]
    public void UnknownCriticalSection_IsRefused_UnknownAncillarySection_IsSkipped()
    {
        var sections = ModelFileTestData.Sections(Valid).Select(s => (s.Tag, s.Payload)).ToList();
        byte[] critical = ModelFileTestData.Build([.. sections, (ModelFileTestData.Tag("NEWS"), [1, 2, 3])]);
        Assert.Contains("NEWS", Assert.Throws<ModelFormatException>(() => ModelFile.Read(critical)).Message);

        byte[] ancillary = ModelFileTestData.Build([.. sections, (ModelFileTestData.Tag("note"), [1, 2, 3])]);
        Assert.Equal(Valid, ModelFileTestData.Bytes(ModelFile.Read(ancillary)));
    }

    [Fact]
    public void DuplicateOrMissingSections_AreRefused()
    {
        var sections = ModelFileTestData.Sections(Valid).Select(s => (s.Tag, s.Payload)).ToList();
        Assert.Contains("twice", Assert.Throws<ModelFormatException>(() => ModelFile.Read(ModelFileTestData.Build([.. sections, sections[2]]))).Message);
        Assert.Contains("no ARCH", Assert.Throws<ModelFormatException>(() => ModelFile.Read(ModelFileTestData.Build(sections.Skip(1)))).Message);
        Assert.Contains("no PARM", Assert.Throws<ModelFormatException>(() => ModelFile.Read(ModelFileTestData.Build(sections.Where(s => s.Tag != ModelFileTestData.Tag("PARM"))))).Message);
    }

    [Fact]
    public void TensorOfAnotherShape_IsRefused_NamingTheTensor()
    {
        // Same byte count, other architecture: an LSTM's file relabelled as a GRU of the same sizes is caught by name
        // and shape, not silently loaded.
        byte[] file = ModelFileTestData.WithEdit(Valid, "ARCH", arch => arch[0] = 2 /* LSTM */);
        ModelFormatException error = Assert.Throws<ModelFormatException>(() => ModelFile.Read(file));
        Assert.Contains("section PARM", error.Message);
    }

    [Fact]
    public void ErrorMessages_NameTheFileSectionAndOffset()
    {
        using var directory = new TempFolder();
        string path = Path.Combine(directory.Path, "bad.flm");
        File.WriteAllBytes(path, ModelFileTestData.WithEdit(Valid, "HIST", h => BinaryPrimitives.WriteUInt32LittleEndian(h, 1000)));
        ModelFormatException error = Assert.Throws<ModelFormatException>(() => ModelFile.Load(path));
        Assert.StartsWith(path + ": section HIST at byte ", error.Message);
        Assert.Contains("epoch count is 1000", error.Message);
    }

    private static void AssertRefused(byte[] file, string context)
    {
        try
        {
            ModelFile.Read(file);
            Assert.Fail($"{context}: a damaged file loaded.");
        }
        catch (ModelFormatException)
        {
        }
        catch (Exception e)
        {
            Assert.Fail($"{context}: {e.GetType().Name} instead of ModelFormatException: {e.Message}");
        }
    }

    /// <summary>ARCH payload: cell, flags, head, reserved, I, H, L, P, dropout, K, V.</summary>
    private static byte[] Arch(byte cell, byte flags, int input, int hidden, int layers, int outputs, int vocabulary = 0)
    {
        var arch = new byte[32];
        arch[0] = cell;
        arch[1] = flags;
        BinaryPrimitives.WriteInt32LittleEndian(arch.AsSpan(4), input);
        BinaryPrimitives.WriteInt32LittleEndian(arch.AsSpan(8), hidden);
        BinaryPrimitives.WriteInt32LittleEndian(arch.AsSpan(12), layers);
        BinaryPrimitives.WriteInt32LittleEndian(arch.AsSpan(24), outputs);
        BinaryPrimitives.WriteInt32LittleEndian(arch.AsSpan(28), vocabulary);
        return arch;
    }

    private static byte[] U32s(params uint[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    private static byte[] Craft(string what)
    {
        const byte Lstm = 2;
        const byte BiasAndLbr = 8 | 4;
        byte[] Edit(string tag, Action<byte[]> edit) => ModelFileTestData.WithEdit(Valid, tag, edit);
        byte[] Replace(string tag, byte[] payload) => ModelFileTestData.WithPayload(Valid, tag, payload);
        int Offset(string tag, int within) => ModelFileTestData.Sections(Valid).Single(s => s.TagText == tag).Offset + within;
        return what switch
        {
            "hidden size 2^24" => Replace("ARCH", Arch(Lstm, BiasAndLbr, 2, 1 << 24, 1, 1)),
            "layers 1024 wide" => Replace("ARCH", Arch(Lstm, BiasAndLbr | 1, 4096, 4096, 1024, 1)),
            "parameters beyond the section" => Replace("ARCH", Arch(Lstm, BiasAndLbr, 1000, 2000, 4, 1)),   // 54 M parameters, a 1 kB section
            "tensor count 2^31" => Edit("PARM", p => BinaryPrimitives.WriteUInt32LittleEndian(p, 0x80000000)),
            "tensor name length 2^32-1" => Edit("PARM", p => BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(4), 0xFFFFFFFF)),
            "metadata count 4096" => Replace("META", U32s(4096, 1)),
            "metadata value length 2^31" => Replace("META", [.. U32s(1, 1), (byte)'k', .. U32s(0x80000000)]),
            "statistics length 2^24" => Replace("STAT", [.. U32s(1, 1), (byte)'k', .. U32s(1 << 24)]),
            "vocabulary 2^20" => Replace("VOCB", U32s(1 << 20)),
            "history 2^20" => Replace("HIST", U32s(1 << 20)),
            "optimizer buffers 64" => Edit("CKPT", p => BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(8 + 4 + 4 + 8 + 4), 64)),
            "optimizer buffer length 2^31" => Edit("CKPT", p => BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(8 + 4 + 4 + 8 + 4 + 4), 0x80000000)),
            "best weights 2^31" => Edit("CKPT", p => BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(p.Length - 4 - (4 * BestWeightCount())), 0x80000000)),
            "section length 2^63" => FixHeader(Valid, Offset("STAT", 4), 0x8000000000000000),
            "section count 2^31" => ModelFileTestData.Build(ModelFileTestData.Sections(Valid).Select(s => (s.Tag, s.Payload)), sectionCount: 0x80000000),
            "declared length 2^62" => ModelFileTestData.Build(ModelFileTestData.Sections(Valid).Select(s => (s.Tag, s.Payload)), declaredLength: 1UL << 62),
            _ => throw new ArgumentException(what),
        };
    }

    private static int BestWeightCount() => ModelFileTestData.SmallCompleteFile().Model.ParameterCount;

    /// <summary>Writes a u64 at <paramref name="offset"/> (a section's length field) leaving everything else as is.</summary>
    private static byte[] FixHeader(byte[] file, int offset, ulong value)
    {
        byte[] copy = (byte[])file.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(copy.AsSpan(offset), value);
        return copy;
    }
}
