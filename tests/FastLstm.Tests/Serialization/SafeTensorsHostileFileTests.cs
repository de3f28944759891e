using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using FastLstm.Tests.Layers;
using Xunit;
using Xunit.Abstractions;

namespace FastLstm.Tests.Serialization;

/// <summary>
/// The reader treats a file as hostile: any truncated, bit-flipped or crafted input ends in ModelFormatException with a
/// message, never another exception, a hang or a huge allocation.
/// </summary>
public sealed class SafeTensorsHostileFileTests(ITestOutputHelper output)
{
    // Mutation counts: every truncation of the valid file, plus this many random single-byte and multi-byte edits.
    private const int RandomMutations = 6000;
    private const int MutationSeed = 20_250_601;

    [Theory]
    [InlineData("", "8-byte header length")]
    [InlineData("\u0001\u0000\u0000", "8-byte header length")]
    public void Parse_ShorterThanTheLengthField_Rejected(string content, string fragment)
    {
        var error = Assert.Throws<ModelFormatException>(() => SafeTensorsFile.Parse(Encoding.Latin1.GetBytes(content)));
        Assert.Contains(fragment, error.Message);
    }

    [Fact]
    public void Parse_HeaderLengthOver100MB_RejectedBeforeAllocating()
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 100_000_001);
        var error = Assert.Throws<ModelFormatException>(() => SafeTensorsFile.Parse(bytes));
        Assert.Contains("100000000", error.Message);
    }

    [Fact]
    public void Parse_HeaderLengthPastTheEnd_Rejected()
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, ulong.MaxValue);
        Assert.Throws<ModelFormatException>(() => SafeTensorsFile.Parse(bytes));
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 9);
        var error = Assert.Throws<ModelFormatException>(() => SafeTensorsFile.Parse(bytes));
        Assert.Contains("truncated", error.Message);
    }

    [Theory]
    [InlineData("[]", "JSON object")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}", "JSON")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}x", "JSON")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", "twice")]
    [InlineData("{\"a\":{\"dtype\":\"Q7\",\"shape\":[1],\"data_offsets\":[0,4]}}", "unknown dtype")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", "'a'")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", "'a'")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", "exactly two")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", "no data_offsets")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", "needs 2")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", "expected it to start at 0")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "non-overlapping")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", "contiguous")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "end of the file")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,99999999999]}}", "truncated")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647,2147483647],\"data_offsets\":[0,4]}}", "overflows")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,4]}}", "more than 16")]
    [InlineData("{\"__metadata__\":{\"k\":1}}", "must be a string")]
    [InlineData("{\"__metadata__\":[]}", "object of strings")]
    [InlineData("{\"a\":{\"x\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}}", "JSON")]
    public void Parse_CraftedHeader_RejectedWithAClearMessage(string header, string fragment)
    {
        // Eight data bytes follow every header; a valid file of one F32 [1] tensor would have four.
        byte[] file = HandMadeSafeTensors.File(header, new byte[8]);

        var error = Assert.Throws<ModelFormatException>(() => SafeTensorsFile.Parse(file));

        Assert.Contains(fragment, error.Message);
    }

    [Fact]
    public void Parse_HeaderNotUtf8_Rejected()
    {
        byte[] file = HandMadeSafeTensors.File("{\"a\":1}", []);
        file[10] = 0xFF;
        var error = Assert.Throws<ModelFormatException>(() => SafeTensorsFile.Parse(file));
        Assert.Contains("UTF-8", error.Message);
    }

    [Fact]
    public void ReadPath_TruncatedFile_GetsModelFormatException()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "cut.safetensors");
        byte[] valid = ValidFile();
        File.WriteAllBytes(path, valid.AsSpan(0, valid.Length - 3).ToArray());

        Assert.Throws<ModelFormatException>(() => SafeTensorsFile.Read(path));
    }

    [Fact]
    public void Mutations_ThousandsOfTruncationsAndByteEdits_OnlyEverThrowModelFormatException()
    {
        byte[] valid = ValidFile();
        var watch = Stopwatch.StartNew();
        int rejected = 0;
        int accepted = 0;

        // Every truncation, from the empty file to one byte short.
        for (int length = 0; length < valid.Length; length++)
        {
            Tally(Attempt(valid.AsSpan(0, length).ToArray(), $"truncated to {length} bytes"), ref rejected, ref accepted);
        }

        // Random edits, two thirds of them in the header where they change structure rather than values.
        var random = new Random(MutationSeed);
        int headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(valid);
        for (int n = 0; n < RandomMutations; n++)
        {
            byte[] mutated = (byte[])valid.Clone();
            int edits = 1 + random.Next(3);
            var what = new StringBuilder($"mutation {n} (seed {MutationSeed}):");
            for (int e = 0; e < edits; e++)
            {
                int position = random.Next(3) < 2 ? random.Next(headerEnd) : random.Next(mutated.Length);
                byte value = random.Next(4) switch
                {
                    0 => (byte)(mutated[position] ^ (1 << random.Next(8))),
                    1 => (byte)"0123456789,[]{}\":-"[random.Next(18)],
                    _ => (byte)random.Next(256),
                };
                what.Append($" [{position}] {mutated[position]}→{value}");
                mutated[position] = value;
            }

            Tally(Attempt(mutated, what.ToString()), ref rejected, ref accepted);
        }

        output.WriteLine($"{valid.Length} truncations + {RandomMutations} edits: {rejected} rejected, {accepted} accepted, {watch.ElapsedMilliseconds} ms");
        Assert.True(rejected > valid.Length, "Most mutations must be caught; a test that rejects nothing proves nothing.");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"The mutation test must stay fast; it took {watch.Elapsed}.");
    }

    /// <summary>Parses and loads <paramref name="bytes"/>; true when rejected, false when accepted; any other exception fails the test.</summary>
    private static bool Attempt(byte[] bytes, string what)
    {
        try
        {
            SafeTensorsFile file = SafeTensorsFile.Parse(bytes);
            RecurrentLayer layer = TestData.Layer(CellKind.Lstm, input: 3, hidden: 2, bidirectional: true);
            var head = new Dense(4, 2);
            SafeTensors.LoadInto(file, Modules.Of(("rnn.", layer.Parameters), ("head.", head.Parameters)));
            foreach (SafeTensor tensor in file.Tensors)
            {
                if (tensor.IsFloatingPoint)
                {
                    _ = tensor.ToSingles();
                }
            }

            return false;
        }
        catch (ModelFormatException e)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Message), what);
            return true;
        }
        catch (Exception e)
        {
            Assert.Fail($"{what}: {e.GetType().Name} instead of ModelFormatException: {e.Message}");
            throw;
        }
    }

    private static void Tally(bool wasRejected, ref int rejected, ref int accepted)
    {
        if (wasRejected)
        {
            rejected++;
        }
        else
        {
            accepted++;
        }
    }

    /// <summary>A valid file with an F16 tensor among the F32 ones and metadata, like a real export.</summary>
    private static byte[] ValidFile()
    {
        RecurrentLayer layer = TestData.Layer(CellKind.Lstm, input: 3, hidden: 2, bidirectional: true);
        var head = new Dense(4, 2);
        var tensors = new List<SafeTensor>(SafeTensors.ToTensors(Modules.Of(("rnn.", layer.Parameters))));
        using var stream = new MemoryStream();
        SafeTensorsFile.Write(stream, tensors, new Dictionary<string, string> { ["format"] = "pt" });
        byte[] f32 = stream.ToArray();

        // Re-lay the head as F16 by hand after the F32 tensors, to put a second dtype in the mutated file.
        SafeTensorsFile parsed = SafeTensorsFile.Parse(f32);
        var header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        var data = new List<byte>();
        foreach (SafeTensor tensor in parsed.Tensors)
        {
            header.Append($",\"{tensor.Name}\":{{\"dtype\":\"F32\",\"shape\":[{string.Join(",", tensor.Shape.ToArray())}],\"data_offsets\":[{data.Count},{data.Count + tensor.Data.Length}]}}");
            data.AddRange(tensor.Data.ToArray());
        }

        foreach (Parameter parameter in head.Parameters)
        {
            byte[] half = HandMadeSafeTensors.F16(parameter.Values.ToArray());
            header.Append($",\"head.{parameter.Name}\":{{\"dtype\":\"F16\",\"shape\":[{string.Join(",", parameter.Shape.ToArray())}],\"data_offsets\":[{data.Count},{data.Count + half.Length}]}}");
            data.AddRange(half);
        }

        header.Append('}');
        byte[] file = HandMadeSafeTensors.File(header.ToString(), [.. data]);
        Assert.False(Attempt(file, "the valid file"));
        return file;
    }
}
