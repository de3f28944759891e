using System.Buffers.Binary;
using FastLstm.Serialization;
using FastLstm.Training;
using Xunit;
using Hashing = System.IO.Hashing;

namespace FastLstm.Tests.Serialization;

/// <summary>Models, files and a raw section editor for the model-file tests. The editor computes its CRCs with
/// System.IO.Hashing, independently of the engine's own CRC-32.</summary>
internal static class ModelFileTestData
{
    /// <summary>Every architecture feature the format stores, one model each.</summary>
    public static TheoryData<string> ArchitectureNames => [.. Architectures.Keys];

    public static readonly IReadOnlyDictionary<string, Func<RecurrentModel>> Architectures = new Dictionary<string, Func<RecurrentModel>>
    {
        ["rnn_tanh"] = () => Model(new() { Cell = CellKind.RnnTanh, InputSize = 3, HiddenSize = 5 }, 2, HeadMode.LastStep),
        ["rnn_relu_no_bias"] = () => Model(new() { Cell = CellKind.RnnRelu, InputSize = 3, HiddenSize = 5, Bias = false }, 1, HeadMode.EveryStep),
        ["lstm_stacked_bidirectional"] = () => Model(new() { Cell = CellKind.Lstm, InputSize = 2, HiddenSize = 4, NumLayers = 2, Bidirectional = true, Dropout = 0.25f }, 3, HeadMode.LastStep),
        ["lstm_projection"] = () => Model(new() { Cell = CellKind.Lstm, InputSize = 3, HiddenSize = 6, ProjectionSize = 2, NumLayers = 2 }, 2, HeadMode.EveryStep),
        ["lstm_peephole"] = () => Model(new() { Cell = CellKind.Lstm, InputSize = 3, HiddenSize = 4, Peephole = true }, 1, HeadMode.LastStep),
        ["gru"] = () => Model(new() { Cell = CellKind.Gru, InputSize = 2, HiddenSize = 5, NumLayers = 3 }, 2, HeadMode.EveryStep),
        ["gru_original_form_bidirectional"] = () => Model(new() { Cell = CellKind.Gru, InputSize = 2, HiddenSize = 3, GruLinearBeforeReset = false, Bidirectional = true }, 2, HeadMode.LastStep),
        ["char_lstm_with_embedding"] = () => Model(new() { Cell = CellKind.Lstm, InputSize = 4, HiddenSize = 6 }, 9, HeadMode.EveryStep, vocabulary: 9),
    };

    public static RecurrentModel Model(RecurrentOptions options, int outputs, HeadMode head, int vocabulary = 0, int seed = 17) =>
        new(options, outputs, head, vocabulary, seed);

    /// <summary>A small file with every section: a GRU with metadata, statistics, vocabulary, history and a checkpoint.</summary>
    public static ModelFile SmallCompleteFile()
    {
        RecurrentModel model = Model(new() { Cell = CellKind.Gru, InputSize = 2, HiddenSize = 3 }, 1, HeadMode.LastStep);
        var adam = new Adam(model.Parameters, 0.01f);
        TakeSteps(model, adam, 2);
        float[] best = Values(model);
        return new ModelFile
        {
            Model = model,
            Metadata = new Dictionary<string, string> { ["task"] = "forecast", ["columns"] = "passengers" },
            Statistics = new Dictionary<string, double[]> { ["scaler.offsets"] = [280.3], ["scaler.scales"] = [119.97] },
            Vocabulary = "ab",
            History = [new EpochRecord(0, Metrics(0.5), Metrics(0.6), 0.01f, true), new EpochRecord(1, Metrics(0.4), MetricValues.None, 0.009f, false)],
            Checkpoint = new ModelCheckpoint(adam.ExportState(), 2, 42) { BestEpoch = 0, BestValue = 0.6, EpochsWithoutImprovement = 1, BestWeights = best },
        };
    }

    public static MetricValues Metrics(double loss) => new()
    {
        Loss = loss,
        Accuracy = double.NaN,
        Rmse = Math.Sqrt(loss),
        Mae = loss / 2,
        Perplexity = double.NaN,
        BitsPerCharacter = double.NaN,
    };

    public static byte[] Bytes(ModelFile file)
    {
        using var stream = new MemoryStream();
        ModelFile.Write(stream, file);
        return stream.ToArray();
    }

    public static float[] Values(RecurrentModel model)
    {
        var values = new float[model.ParameterCount];
        model.CopyValuesTo(values);
        return values;
    }

    /// <summary>Gives the optimizer non-zero moments: a few steps on a fixed gradient pattern.</summary>
    public static void TakeSteps(RecurrentModel model, Optimizer optimizer, int steps)
    {
        for (int s = 0; s < steps; s++)
        {
            foreach (ParameterList list in model.Parameters)
            {
                Span<float> g = list.Gradients;
                for (int i = 0; i < g.Length; i++)
                {
                    g[i] = MathF.Sin((i * 0.37f) + s);
                }
            }

            optimizer.Step();
        }
    }

    /// <summary>The forward output of <paramref name="model"/> on a fixed input (token ids for an embedding model).</summary>
    public static float[] Forward(RecurrentModel model, int steps = 5, int batch = 2)
    {
        var input = new float[steps * batch * model.InputSize];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = model.Embedding is null ? MathF.Sin(i * 0.7f) : i % model.Embedding.VocabularySize;
        }

        ModelWorkspace workspace = model.CreateWorkspace();
        model.Forward(workspace, input, steps, batch);
        return workspace.Output.ToArray();
    }

    /// <summary>One section of a file: where it starts and its payload.</summary>
    public sealed record RawSection(uint Tag, int Offset, byte[] Payload)
    {
        public string TagText => System.Text.Encoding.ASCII.GetString(BitConverter.GetBytes(Tag));

        /// <summary>Offset of the payload's first byte in the file.</summary>
        public int PayloadOffset => Offset + 12;
    }

    /// <summary>Splits a valid file into its sections.</summary>
    public static List<RawSection> Sections(byte[] file)
    {
        int count = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(12));
        var sections = new List<RawSection>();
        int offset = 28;
        for (int i = 0; i < count; i++)
        {
            uint tag = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset));
            int length = (int)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(offset + 4));
            sections.Add(new RawSection(tag, offset, file.AsSpan(offset + 12, length).ToArray()));
            offset += 12 + length + 4;
        }

        return sections;
    }

    public static uint Tag(string text) => BinaryPrimitives.ReadUInt32LittleEndian(System.Text.Encoding.ASCII.GetBytes(text));

    /// <summary>Builds a file with correct lengths and CRCs around the given sections (so only the contents are wrong).</summary>
    public static byte[] Build(IEnumerable<(uint Tag, byte[] Payload)> sections, uint version = 1, uint? sectionCount = null, ulong? declaredLength = null)
    {
        var list = sections.ToList();
        using var stream = new MemoryStream();
        var header = new byte[28];
        new byte[] { 0x89, (byte)'F', (byte)'L', (byte)'M', 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(header, 0);
        long length = 28 + list.Sum(s => 16L + s.Payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), version);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(12), sectionCount ?? (uint)list.Count);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(16), declaredLength ?? (ulong)length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(24), Hashing.Crc32.HashToUInt32(header.AsSpan(0, 24)));
        stream.Write(header);
        foreach ((uint tag, byte[] payload) in list)
        {
            var head = new byte[12];
            BinaryPrimitives.WriteUInt32LittleEndian(head, tag);
            BinaryPrimitives.WriteUInt64LittleEndian(head.AsSpan(4), (ulong)payload.Length);
            var crc = new Hashing.Crc32();
            crc.Append(head);
            crc.Append(payload);
            stream.Write(head);
            stream.Write(payload);
            stream.Write(BitConverter.GetBytes(crc.GetCurrentHashAsUInt32()));
        }

        return stream.ToArray();
    }

    /// <summary>Rebuilds <paramref name="file"/> with the payload of section <paramref name="tag"/> replaced (CRCs fixed up).</summary>
    public static byte[] WithPayload(byte[] file, string tag, byte[] payload) =>
        Build(Sections(file).Select(s => (s.Tag, s.TagText == tag ? payload : s.Payload)));

    /// <summary>Rebuilds <paramref name="file"/> with section <paramref name="tag"/>'s payload edited in place (CRCs fixed up).</summary>
    public static byte[] WithEdit(byte[] file, string tag, Action<byte[]> edit) =>
        Build(Sections(file).Select(s =>
        {
            if (s.TagText != tag)
            {
                return (s.Tag, s.Payload);
            }

            byte[] copy = (byte[])s.Payload.Clone();
            edit(copy);
            return (s.Tag, copy);
        }));
}
