using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;
using FastLstm.Training;

namespace FastLstm.Serialization;

/// <summary>
/// Reads a model file as hostile input: the header and every section's CRC-32 first, then each section's fields,
/// every count and size checked against the bytes present and <see cref="ModelFileLimits"/> before it is used.
/// Anything wrong throws <see cref="ModelFormatException"/>; nothing else escapes for any input.
/// </summary>
internal static class ModelFileReader
{
    /// <summary>Reads the rest of <paramref name="stream"/> (at most <see cref="ModelFileLimits.MaxFileBytes"/>) and parses it.</summary>
    public static ModelFile Read(Stream stream, string source)
    {
        byte[] bytes;
        if (stream.CanSeek)
        {
            long length = stream.Length - stream.Position;
            if (length > ModelFileLimits.MaxFileBytes)
            {
                throw new ModelFormatException($"{source}: the file is {length} bytes; a model file has at most {ModelFileLimits.MaxFileBytes}.");
            }

            bytes = new byte[length];
            int read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            if (read != bytes.Length)
            {
                throw new ModelFormatException($"{source}: the file ended after {read} of its {length} bytes while being read.");
            }
        }
        else
        {
            // Unknown length: grow with the bytes that actually arrive, never beyond the limit.
            using var buffer = new MemoryStream();
            byte[] chunk = new byte[1 << 16];
            int read;
            while ((read = stream.Read(chunk)) > 0)
            {
                if (buffer.Length + read > ModelFileLimits.MaxFileBytes)
                {
                    throw new ModelFormatException($"{source}: the stream holds more than {ModelFileLimits.MaxFileBytes} bytes, the most a model file has.");
                }

                buffer.Write(chunk, 0, read);
            }

            bytes = buffer.ToArray();
        }

        return Read(bytes, source);
    }

    /// <summary>Parses a whole model file.</summary>
    public static ModelFile Read(ReadOnlySpan<byte> file, string source)
    {
        var sections = new SectionTable();
        ReadHeaderAndSections(file, source, ref sections);

        Architecture arch = ReadArchitecture(Section(file, source, sections.Architecture, "ARCH", required: true));
        SectionReader parameters = Section(file, source, sections.Parameters, "PARM", required: true);
        if (parameters.Remaining < 4 + (4 * arch.ParameterCount))
        {
            parameters.Fail($"The architecture has {arch.ParameterCount} parameters ({4 * arch.ParameterCount} bytes); the section has only {parameters.Remaining} bytes (truncated or damaged).");
        }

        RecurrentModel model = BuildModel(arch, source);
        ReadParameters(ref parameters, model, arch.TensorCount);

        IReadOnlyDictionary<string, string> metadata = sections.Metadata.Length >= 0
            ? ReadMetadata(Section(file, source, sections.Metadata, "META", required: false))
            : new Dictionary<string, string>();
        IReadOnlyDictionary<string, double[]> statistics = sections.Statistics.Length >= 0
            ? ReadStatistics(Section(file, source, sections.Statistics, "STAT", required: false))
            : new Dictionary<string, double[]>();
        string? vocabulary = sections.Vocabulary.Length >= 0
            ? ReadVocabulary(Section(file, source, sections.Vocabulary, "VOCB", required: false))
            : null;
        IReadOnlyList<EpochRecord> history = sections.History.Length >= 0
            ? ReadHistory(Section(file, source, sections.History, "HIST", required: false))
            : [];
        ModelCheckpoint? checkpoint = sections.Checkpoint.Length >= 0
            ? ReadCheckpoint(Section(file, source, sections.Checkpoint, "CKPT", required: false), model)
            : null;

        return new ModelFile
        {
            Model = model,
            Metadata = metadata,
            Statistics = statistics,
            Vocabulary = vocabulary,
            History = history,
            Checkpoint = checkpoint,
        };
    }

    private static void ReadHeaderAndSections(ReadOnlySpan<byte> file, string source, ref SectionTable sections)
    {
        ReadOnlySpan<byte> magic = ModelFileLayout.Magic;
        if (file.Length < magic.Length || !file.Slice(0, magic.Length).SequenceEqual(magic))
        {
            Fail(source, file.Length < magic.Length
                ? $"the file is {file.Length} bytes, too short to be a FastLstm model file."
                : "this is not a FastLstm model file (its first 8 bytes are not the model-file signature).");
        }

        if (file.Length < 12)
        {
            Fail(source, $"the file is {file.Length} bytes: it ends inside the header (truncated).");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(file.Slice(8));
        if (version == 0)
        {
            Fail(source, "the header gives format version 0, which never existed (damaged).");
        }

        if (version > ModelFile.FormatVersion)
        {
            Fail(source, $"the file is in model-file format version {version}, newer than version {ModelFile.FormatVersion}, the newest this FastLstm reads; load it with a newer FastLstm.");
        }

        // Version 1 is the only one so far; an older version's layout would branch here.
        if (file.Length < ModelFileLayout.HeaderSize)
        {
            Fail(source, $"the file is {file.Length} bytes: it ends inside the {ModelFileLayout.HeaderSize}-byte header (truncated).");
        }

        uint headerCrc = BinaryPrimitives.ReadUInt32LittleEndian(file.Slice(ModelFileLayout.HeaderCheckedSize));
        if (Crc32.Compute(file.Slice(0, ModelFileLayout.HeaderCheckedSize)) != headerCrc)
        {
            Fail(source, "the header's checksum does not match (damaged).");
        }

        uint sectionCount = BinaryPrimitives.ReadUInt32LittleEndian(file.Slice(12));
        ulong declaredLength = BinaryPrimitives.ReadUInt64LittleEndian(file.Slice(16));
        if (declaredLength != (ulong)file.Length)
        {
            Fail(source, $"the file is {file.Length} bytes but its header says {declaredLength} ({(declaredLength > (ulong)file.Length ? "truncated" : "extra bytes at the end")}).");
        }

        if (sectionCount > ModelFileLimits.MaxSections)
        {
            Fail(source, $"the header gives {sectionCount} sections; at most {ModelFileLimits.MaxSections} are allowed.");
        }

        long offset = ModelFileLayout.HeaderSize;
        for (int i = 0; i < sectionCount; i++)
        {
            const int Overhead = ModelFileLayout.SectionHeaderSize + ModelFileLayout.SectionTrailerSize;
            long left = file.Length - offset;
            if (left < Overhead)
            {
                Fail(source, $"section {i + 1} of {sectionCount} would start at byte {offset}, but only {left} bytes are left (truncated or damaged).");
            }

            uint tag = BinaryPrimitives.ReadUInt32LittleEndian(file.Slice((int)offset));
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(file.Slice((int)offset + 4));
            string tagText = ModelFileLayout.TagText(tag);
            if (length > (ulong)(left - Overhead))
            {
                Fail(source, $"section {tagText} at byte {offset} says its payload is {length} bytes; only {left - Overhead} are left (truncated or damaged).");
            }

            int payloadLength = (int)length;
            ReadOnlySpan<byte> covered = file.Slice((int)offset, ModelFileLayout.SectionHeaderSize + payloadLength);
            uint stored = BinaryPrimitives.ReadUInt32LittleEndian(file.Slice((int)offset + covered.Length));
            if (Crc32.Compute(covered) != stored)
            {
                Fail(source, $"section {tagText} at byte {offset}: its checksum does not match (damaged).");
            }

            if (!ModelFileLayout.IsWellFormedTag(tag))
            {
                Fail(source, $"section {i + 1} at byte {offset} has the tag '{tagText}', which is not four ASCII letters or digits.");
            }

            var location = new SectionLocation((int)offset + ModelFileLayout.SectionHeaderSize, payloadLength);
            ref SectionLocation slot = ref sections.Slot(tag);
            if (Unsafe.IsNullRef(ref slot))
            {
                if (ModelFileLayout.IsCritical(tag))
                {
                    Fail(source, $"section {tagText} at byte {offset} is not one this FastLstm knows, and its upper-case tag marks it as needed to read the file.");
                }
            }
            else if (slot.Length >= 0)
            {
                Fail(source, $"section {tagText} appears twice (again at byte {offset}).");
            }
            else
            {
                slot = location;
            }

            offset += covered.Length + ModelFileLayout.SectionTrailerSize;
        }

        if (offset != file.Length)
        {
            Fail(source, $"{file.Length - offset} bytes follow the last of the header's {sectionCount} sections (damaged).");
        }
    }

    private static SectionReader Section(ReadOnlySpan<byte> file, string source, SectionLocation location, string tag, bool required)
    {
        if (location.Length < 0)
        {
            if (required)
            {
                Fail(source, $"the file has no {tag} section, which every model file needs.");
            }

            return new SectionReader(default, source, tag, 0);
        }

        return new SectionReader(file.Slice(location.Offset, location.Length), source, tag, location.Offset);
    }

    private static Architecture ReadArchitecture(SectionReader reader)
    {
        if (reader.Remaining != ModelFileLayout.ArchitectureSize)
        {
            reader.Fail($"the architecture takes {ModelFileLayout.ArchitectureSize} bytes; the section has {reader.Remaining}.");
        }

        byte cellCode = reader.ReadByte("cell");
        byte flags = reader.ReadByte("flags");
        byte headCode = reader.ReadByte("head mode");
        byte reserved = reader.ReadByte("reserved byte");
        int input = reader.ReadInt32("input size");
        int hidden = reader.ReadInt32("hidden size");
        int layers = reader.ReadInt32("layer count");
        int projection = reader.ReadInt32("projection size");
        float dropout = reader.ReadSingle("dropout");
        int outputs = reader.ReadInt32("output size");
        int vocabulary = reader.ReadInt32("vocabulary size");
        if (!ModelFileLayout.TryCell(cellCode, out CellKind cell))
        {
            reader.Fail($"cell code {cellCode} is not one of 0 (RNN tanh), 1 (RNN relu), 2 (LSTM), 3 (GRU).");
        }

        if (!ModelFileLayout.TryHead(headCode, out HeadMode head))
        {
            reader.Fail($"head mode code {headCode} is not one of 0 (last step), 1 (every step).");
        }

        if ((flags & ~ModelFileLayout.KnownFlags) != 0 || reserved != 0)
        {
            reader.Fail($"unknown flag bits 0x{flags & ~ModelFileLayout.KnownFlags:X2} or reserved byte {reserved} set.");
        }

        RequireSize(reader, input, "input size", 1, ModelFileLimits.MaxWidth);
        RequireSize(reader, hidden, "hidden size", 1, ModelFileLimits.MaxWidth);
        RequireSize(reader, layers, "layer count", 1, ModelFileLimits.MaxLayers);
        RequireSize(reader, outputs, "output size", 1, ModelFileLimits.MaxWidth);
        RequireSize(reader, vocabulary, "vocabulary size", 0, ModelFileLimits.MaxWidth);
        bool bidirectional = (flags & ModelFileLayout.FlagBidirectional) != 0;
        bool peephole = (flags & ModelFileLayout.FlagPeephole) != 0;
        bool linearBeforeReset = (flags & ModelFileLayout.FlagGruLinearBeforeReset) != 0;
        bool bias = (flags & ModelFileLayout.FlagBias) != 0;
        if (projection != 0 && (cell != CellKind.Lstm || projection < 1 || projection >= hidden))
        {
            reader.Fail($"projection size {projection} must be 0, or in [1, hidden size {hidden}) for an LSTM.");
        }

        if (peephole && (cell != CellKind.Lstm || projection != 0))
        {
            reader.Fail("peephole connections need an LSTM without projection.");
        }

        if (!linearBeforeReset && cell != CellKind.Gru)
        {
            reader.Fail("the GRU-only flag 'linear before reset' is clear for another cell.");
        }

        if (!(dropout >= 0f && dropout < 1f))
        {
            reader.Fail($"dropout {dropout} is not in [0, 1).");
        }

        var options = new RecurrentOptions
        {
            Cell = cell,
            InputSize = input,
            HiddenSize = hidden,
            NumLayers = layers,
            Bidirectional = bidirectional,
            ProjectionSize = projection,
            Peephole = peephole,
            GruLinearBeforeReset = linearBeforeReset,
            Bias = bias,
            Dropout = dropout,
        };

        // Every size is at most 2^24 and the layers at most 2^10, so each term below stays far inside a long
        // (G·H·(D·Hout) ≤ 4·2^24·2^25 = 2^51); the running total is checked after each layer, before it can grow further.
        long gates = GateOrder.Count(cell);
        long outputHidden = options.OutputHiddenSize;
        long directions = options.Directions;
        long total = 0;
        int tensors = 0;
        for (int layer = 0; layer < layers; layer++)
        {
            long width = layer == 0 ? input : directions * outputHidden;
            long unit = (gates * hidden * width) + (gates * hidden * outputHidden)
                + (bias ? 2 * gates * hidden : 0) + (peephole ? 3L * hidden : 0) + ((long)projection * hidden);
            total += directions * unit;
            tensors += (int)directions * (2 + (bias ? 2 : 0) + (peephole ? 1 : 0) + (projection > 0 ? 1 : 0));
            if (total > ModelFileLimits.MaxParameters)
            {
                break;
            }
        }

        total += ((long)vocabulary * input) + ((long)outputs * directions * outputHidden) + outputs;
        tensors += (vocabulary > 0 ? 1 : 0) + 2;
        if (total > ModelFileLimits.MaxParameters)
        {
            reader.Fail($"the architecture has more than {ModelFileLimits.MaxParameters} parameters, the most a model file holds.");
        }

        return new Architecture(options, head, outputs, vocabulary, total, tensors);
    }

    private static RecurrentModel BuildModel(Architecture arch, string source)
    {
        try
        {
            return new RecurrentModel(arch.Options, arch.OutputSize, arch.Head, arch.VocabularySize);
        }
        catch (ArgumentException e)
        {
            // The checks above mirror RecurrentOptions.Validate; this only guards against the two drifting apart.
            throw new ModelFormatException($"{source}: section ARCH: the architecture is not valid: {e.Message}", e);
        }
    }

    private static void ReadParameters(ref SectionReader reader, RecurrentModel model, int expectedTensors)
    {
        int count = (int)Math.Min(reader.ReadUInt32("tensor count"), int.MaxValue);
        if (count != expectedTensors || count != ModelTensors.Count(model))
        {
            reader.Fail($"the section holds {count} tensors; the architecture has {expectedTensors}.");
        }

        Span<byte> expectedName = stackalloc byte[ModelFileLimits.MaxNameBytes];
        for (int l = 0; l < model.Parameters.Count; l++)
        {
            ParameterList list = model.Parameters[l];
            string prefix = ModelTensors.Prefix(model, l);
            foreach (Parameter parameter in list)
            {
                int nameLength = Encoding.UTF8.GetBytes(prefix + parameter.Name, expectedName);
                ReadOnlySpan<byte> name = reader.ReadUtf8("tensor name", ModelFileLimits.MaxNameBytes);
                if (!name.SequenceEqual(expectedName.Slice(0, nameLength)))
                {
                    reader.Fail($"found tensor '{Encoding.UTF8.GetString(name)}' where the architecture has '{prefix}{parameter.Name}'.");
                }

                uint rank = reader.ReadUInt32("rank");
                if (rank != parameter.Shape.Length)
                {
                    reader.Fail($"tensor '{prefix}{parameter.Name}' has rank {rank}; the architecture gives it shape {parameter.ShapeText}.");
                }

                for (int d = 0; d < parameter.Shape.Length; d++)
                {
                    int dim = reader.ReadInt32("dimension");
                    if (dim != parameter.Shape[d])
                    {
                        reader.Fail($"tensor '{prefix}{parameter.Name}' has {dim} in dimension {d}; the architecture gives it shape {parameter.ShapeText}.");
                    }
                }

                reader.ReadSingles(parameter.Values, $"the values of '{prefix}{parameter.Name}'");
            }

            list.MarkChanged();
        }

        reader.ExpectEnd();
    }

    private static Dictionary<string, string> ReadMetadata(SectionReader reader)
    {
        // An entry takes at least 4 + 1 (key) + 4 (value) bytes.
        int count = reader.ReadCount("the entry count", ModelFileLimits.MaxEntries, 9);
        var metadata = new Dictionary<string, string>(count, StringComparer.Ordinal);
        string? previous = null;
        for (int i = 0; i < count; i++)
        {
            string key = ReadKey(ref reader, previous);
            metadata.Add(key, reader.ReadString($"the value of '{key}'", ModelFileLimits.MaxValueBytes));
            previous = key;
        }

        reader.ExpectEnd();
        return metadata;
    }

    private static Dictionary<string, double[]> ReadStatistics(SectionReader reader)
    {
        // An entry takes at least 4 + 1 (key) + 4 (length) bytes.
        int count = reader.ReadCount("the entry count", ModelFileLimits.MaxEntries, 9);
        var statistics = new Dictionary<string, double[]>(count, StringComparer.Ordinal);
        string? previous = null;
        for (int i = 0; i < count; i++)
        {
            string key = ReadKey(ref reader, previous);
            int length = reader.ReadCount($"the length of '{key}'", ModelFileLimits.MaxStatisticLength, sizeof(double));
            double[] values = new double[length];
            reader.ReadDoubles(values, $"the values of '{key}'");
            statistics.Add(key, values);
            previous = key;
        }

        reader.ExpectEnd();
        return statistics;
    }

    /// <summary>A key of 1 … MaxNameBytes bytes, in strictly increasing ordinal order (so none repeats).</summary>
    private static string ReadKey(ref SectionReader reader, string? previous)
    {
        string key = reader.ReadString("a key", ModelFileLimits.MaxNameBytes);
        if (key.Length == 0)
        {
            reader.Fail("a key is empty.");
        }

        if (previous is not null && string.CompareOrdinal(previous, key) >= 0)
        {
            reader.Fail($"key '{key}' follows '{previous}': keys must be unique and in ordinal order.");
        }

        return key;
    }

    private static string ReadVocabulary(SectionReader reader)
    {
        int count = reader.ReadCount("the character count", ModelFileLimits.MaxVocabularyLength, sizeof(char));
        ReadOnlySpan<byte> bytes = reader.Take(count * sizeof(char), "the characters");
        reader.ExpectEnd();
        return string.Create(count, bytes.ToArray(), static (chars, data) =>
        {
            for (int i = 0; i < chars.Length; i++)
            {
                chars[i] = (char)BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(i * sizeof(char)));
            }
        });
    }

    private static EpochRecord[] ReadHistory(SectionReader reader)
    {
        int count = reader.ReadCount("the epoch count", ModelFileLimits.MaxHistory, ModelFileLayout.EpochRecordSize);
        var history = new EpochRecord[count];
        for (int i = 0; i < count; i++)
        {
            int epoch = reader.ReadInt32("epoch");
            MetricValues train = ReadMetrics(ref reader);
            MetricValues validation = ReadMetrics(ref reader);
            float rate = reader.ReadSingle("learning rate");
            bool best = reader.ReadBoolean("is-best flag");
            history[i] = new EpochRecord(epoch, train, validation, rate, best);
        }

        reader.ExpectEnd();
        return history;
    }

    private static MetricValues ReadMetrics(ref SectionReader reader) => new()
    {
        Loss = reader.ReadDouble("loss"),
        Accuracy = reader.ReadDouble("accuracy"),
        Rmse = reader.ReadDouble("RMSE"),
        Mae = reader.ReadDouble("MAE"),
        Perplexity = reader.ReadDouble("perplexity"),
        BitsPerCharacter = reader.ReadDouble("bits per character"),
    };

    private static ModelCheckpoint ReadCheckpoint(SectionReader reader, RecurrentModel model)
    {
        int epochs = reader.ReadInt32("epochs completed");
        if (epochs < 0)
        {
            reader.Fail($"epochs completed is {epochs}; it cannot be negative.");
        }

        int seed = reader.ReadInt32("seed");
        string name = reader.ReadString("the optimizer name", ModelFileLimits.MaxNameBytes);
        if (name.Length == 0)
        {
            reader.Fail("the optimizer name is empty.");
        }

        long steps = reader.ReadInt64("step count");
        float rate = reader.ReadSingle("learning rate");
        if (steps < 0 || !(rate >= 0f && float.IsFinite(rate)))
        {
            reader.Fail($"step count {steps} or learning rate {rate} is out of range.");
        }

        int lists = model.Parameters.Count;
        int bufferCount = reader.ReadCount("the optimizer buffer count", ModelFileLimits.MaxOptimizerBuffers, 4);
        if (bufferCount % lists != 0)
        {
            reader.Fail($"the optimizer has {bufferCount} buffers; the model's {lists} parameter lists need a multiple of {lists}.");
        }

        var buffers = new float[bufferCount][];
        for (int i = 0; i < bufferCount; i++)
        {
            int expected = model.Parameters[i % lists].TotalLength;
            long length = reader.ReadUInt32("buffer length");
            if (length != expected)
            {
                reader.Fail($"optimizer buffer {i} holds {length} values; parameter list {i % lists} has {expected}.");
            }

            RequireBytes(reader, 4L * expected, $"optimizer buffer {i}");
            buffers[i] = new float[expected];
            reader.ReadSingles(buffers[i], $"optimizer buffer {i}");
        }

        int bestEpoch = reader.ReadInt32("best epoch");
        double bestValue = reader.ReadDouble("best value");
        int sinceBest = reader.ReadInt32("epochs without improvement");
        if (bestEpoch < -1 || sinceBest < 0)
        {
            reader.Fail($"best epoch {bestEpoch} or epochs without improvement {sinceBest} is out of range.");
        }

        float[]? bestWeights = null;
        if (reader.ReadBoolean("best-weights flag"))
        {
            long length = reader.ReadUInt32("best-weights length");
            if (length != model.ParameterCount)
            {
                reader.Fail($"the best weights hold {length} values; the model has {model.ParameterCount}.");
            }

            RequireBytes(reader, 4L * length, "the best weights");
            bestWeights = new float[length];
            reader.ReadSingles(bestWeights, "the best weights");
        }

        reader.ExpectEnd();
        return new ModelCheckpoint(new OptimizerState(name, steps, rate, buffers), epochs, seed)
        {
            BestEpoch = bestEpoch,
            BestValue = bestValue,
            EpochsWithoutImprovement = sinceBest,
            BestWeights = bestWeights,
        };
    }

    private static void RequireBytes(SectionReader reader, long bytes, string what)
    {
        if (bytes > reader.Remaining)
        {
            reader.Fail($"{what} needs {bytes} bytes; the section has {reader.Remaining} left (truncated or damaged).");
        }
    }

    private static void RequireSize(SectionReader reader, int value, string what, int min, int max)
    {
        if (value < min || value > max)
        {
            reader.Fail($"{what} {value} is not in [{min}, {max}].");
        }
    }

    [DoesNotReturn]
    private static void Fail(string source, string message) => throw new ModelFormatException($"{source}: {message}");

    /// <summary>Where a section's payload is; Length −1 when the file has no such section.</summary>
    private readonly record struct SectionLocation(int Offset, int Length)
    {
        public static SectionLocation None => new(0, -1);
    }

    /// <summary>The payload location of each known section.</summary>
    private struct SectionTable
    {
        public SectionLocation Architecture = SectionLocation.None;
        public SectionLocation Parameters = SectionLocation.None;
        public SectionLocation Metadata = SectionLocation.None;
        public SectionLocation Statistics = SectionLocation.None;
        public SectionLocation Vocabulary = SectionLocation.None;
        public SectionLocation History = SectionLocation.None;
        public SectionLocation Checkpoint = SectionLocation.None;

        public SectionTable()
        {
        }

        /// <summary>The slot of a known tag, or a null reference for an unknown one.</summary>
        [UnscopedRef]
        public ref SectionLocation Slot(uint tag)
        {
            switch (tag)
            {
                case ModelFileLayout.Architecture: return ref Architecture;
                case ModelFileLayout.Parameters: return ref Parameters;
                case ModelFileLayout.Metadata: return ref Metadata;
                case ModelFileLayout.Statistics: return ref Statistics;
                case ModelFileLayout.Vocabulary: return ref Vocabulary;
                case ModelFileLayout.History: return ref History;
                case ModelFileLayout.Checkpoint: return ref Checkpoint;
                default: return ref Unsafe.NullRef<SectionLocation>();
            }
        }
    }

    /// <summary>The ARCH section, checked, with the counts it implies.</summary>
    private sealed record Architecture(RecurrentOptions Options, HeadMode Head, int OutputSize, int VocabularySize, long ParameterCount, int TensorCount);
}
