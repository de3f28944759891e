using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using FastLstm.Training;

namespace FastLstm.Serialization;

/// <summary>Writes a <see cref="ModelFile"/> in format version 1; refuses contents the loader would refuse.</summary>
internal static class ModelFileWriter
{
    private const string ParamName = "file";

    /// <summary>Checks <paramref name="file"/> against the format's rules and limits; throws <see cref="ArgumentException"/> naming the first broken one.</summary>
    public static void Validate(ModelFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        RecurrentModel model = file.Model ?? throw new ArgumentException("ModelFile.Model is null.", ParamName);
        Require(file.Metadata is not null, "ModelFile.Metadata is null; use an empty dictionary.");
        Require(file.Statistics is not null, "ModelFile.Statistics is null; use an empty dictionary.");
        Require(file.History is not null, "ModelFile.History is null; use an empty list.");
        Require(model.ParameterCount <= ModelFileLimits.MaxParameters, $"The model has {model.ParameterCount} parameters; a model file holds at most {ModelFileLimits.MaxParameters}.");
        RecurrentOptions o = model.Recurrent.Options;
        Require(o.NumLayers <= ModelFileLimits.MaxLayers, $"The model has {o.NumLayers} layers; a model file holds at most {ModelFileLimits.MaxLayers}.");
        foreach (int width in (ReadOnlySpan<int>)[o.InputSize, o.HiddenSize, o.ProjectionSize, model.OutputSize, model.Embedding?.VocabularySize ?? 0])
        {
            Require(width <= ModelFileLimits.MaxWidth, $"A size of the model is {width}; a model file allows at most {ModelFileLimits.MaxWidth}.");
        }

        Require(file.Metadata.Count <= ModelFileLimits.MaxEntries, $"Metadata has {file.Metadata.Count} entries; at most {ModelFileLimits.MaxEntries} are allowed.");
        foreach (KeyValuePair<string, string> entry in file.Metadata)
        {
            RequireKey(entry.Key, "Metadata");
            Require(entry.Value is not null, $"Metadata['{entry.Key}'] is null.");
            Require(Utf8Length(entry.Value!, $"Metadata['{entry.Key}']") <= ModelFileLimits.MaxValueBytes, $"Metadata['{entry.Key}'] is longer than {ModelFileLimits.MaxValueBytes} UTF-8 bytes.");
        }

        Require(file.Statistics.Count <= ModelFileLimits.MaxEntries, $"Statistics has {file.Statistics.Count} entries; at most {ModelFileLimits.MaxEntries} are allowed.");
        foreach (KeyValuePair<string, double[]> entry in file.Statistics)
        {
            RequireKey(entry.Key, "Statistics");
            Require(entry.Value is not null, $"Statistics['{entry.Key}'] is null.");
            Require(entry.Value!.Length <= ModelFileLimits.MaxStatisticLength, $"Statistics['{entry.Key}'] has {entry.Value.Length} numbers; at most {ModelFileLimits.MaxStatisticLength} are allowed.");
        }

        Require(file.Vocabulary is null || file.Vocabulary.Length <= ModelFileLimits.MaxVocabularyLength, $"The vocabulary is longer than {ModelFileLimits.MaxVocabularyLength} characters.");
        Require(file.History.Count <= ModelFileLimits.MaxHistory, $"The history has {file.History.Count} epochs; at most {ModelFileLimits.MaxHistory} are allowed.");
        for (int i = 0; i < file.History.Count; i++)
        {
            Require(file.History[i] is not null, $"History[{i}] is null.");
        }

        if (file.Checkpoint is { } checkpoint)
        {
            ValidateCheckpoint(checkpoint, model);
        }
    }

    /// <summary>Validates <paramref name="file"/> and writes it to <paramref name="destination"/>.</summary>
    public static void Write(Stream destination, ModelFile file)
    {
        Validate(file);
        List<SectionWriter> sections = BuildSections(file);
        long length = ModelFileLayout.HeaderSize;
        foreach (SectionWriter section in sections)
        {
            length += ModelFileLayout.SectionHeaderSize + section.Payload.Length + ModelFileLayout.SectionTrailerSize;
        }

        Require(length <= ModelFileLimits.MaxFileBytes, $"The model file would be {length} bytes; at most {ModelFileLimits.MaxFileBytes} are allowed.");
        Span<byte> header = stackalloc byte[ModelFileLayout.HeaderSize];
        ModelFileLayout.Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(8), ModelFile.FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(12), (uint)sections.Count);
        BinaryPrimitives.WriteUInt64LittleEndian(header.Slice(16), (ulong)length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(24), Crc32.Compute(header.Slice(0, ModelFileLayout.HeaderCheckedSize)));
        destination.Write(header);

        Span<byte> sectionHeader = stackalloc byte[ModelFileLayout.SectionHeaderSize];
        Span<byte> trailer = stackalloc byte[ModelFileLayout.SectionTrailerSize];
        foreach (SectionWriter section in sections)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(sectionHeader, section.Tag);
            BinaryPrimitives.WriteUInt64LittleEndian(sectionHeader.Slice(4), (ulong)section.Payload.Length);
            uint crc = Crc32.Append(Crc32.Compute(sectionHeader), section.Payload);
            BinaryPrimitives.WriteUInt32LittleEndian(trailer, crc);
            destination.Write(sectionHeader);
            destination.Write(section.Payload);
            destination.Write(trailer);
        }
    }

    /// <summary>The sections in file order: ARCH, PARM, then META, STAT, VOCB, HIST, CKPT when they have contents.</summary>
    private static List<SectionWriter> BuildSections(ModelFile file)
    {
        RecurrentModel model = file.Model;
        var sections = new List<SectionWriter> { Architecture(model), Parameters(model) };
        if (file.Metadata.Count > 0)
        {
            var meta = new SectionWriter(ModelFileLayout.Metadata);
            meta.WriteUInt32((uint)file.Metadata.Count);
            foreach (string key in SortedKeys(file.Metadata.Keys))
            {
                meta.WriteString(key);
                meta.WriteString(file.Metadata[key]);
            }

            sections.Add(meta);
        }

        if (file.Statistics.Count > 0)
        {
            var stat = new SectionWriter(ModelFileLayout.Statistics);
            stat.WriteUInt32((uint)file.Statistics.Count);
            foreach (string key in SortedKeys(file.Statistics.Keys))
            {
                double[] values = file.Statistics[key];
                stat.WriteString(key);
                stat.WriteUInt32((uint)values.Length);
                stat.WriteDoubles(values);
            }

            sections.Add(stat);
        }

        if (file.Vocabulary is { } vocabulary)
        {
            var vocab = new SectionWriter(ModelFileLayout.Vocabulary, 4 + (2 * vocabulary.Length));
            vocab.WriteUInt32((uint)vocabulary.Length);
            foreach (char c in vocabulary)
            {
                // UTF-16 code units, so any string (even a lone surrogate of a split pair) comes back exactly.
                vocab.WriteByte((byte)c);
                vocab.WriteByte((byte)(c >> 8));
            }

            sections.Add(vocab);
        }

        if (file.History.Count > 0)
        {
            var hist = new SectionWriter(ModelFileLayout.History, 4 + (file.History.Count * ModelFileLayout.EpochRecordSize));
            hist.WriteUInt32((uint)file.History.Count);
            foreach (EpochRecord record in file.History)
            {
                hist.WriteInt32(record.Epoch);
                WriteMetrics(hist, record.Train);
                WriteMetrics(hist, record.Validation);
                hist.WriteSingle(record.LearningRate);
                hist.WriteBoolean(record.IsBest);
            }

            sections.Add(hist);
        }

        if (file.Checkpoint is { } checkpoint)
        {
            sections.Add(Checkpoint(checkpoint));
        }

        return sections;
    }

    private static SectionWriter Architecture(RecurrentModel model)
    {
        RecurrentOptions o = model.Recurrent.Options;
        var arch = new SectionWriter(ModelFileLayout.Architecture, ModelFileLayout.ArchitectureSize);
        byte flags = 0;
        flags |= o.Bidirectional ? ModelFileLayout.FlagBidirectional : (byte)0;
        flags |= o.Peephole ? ModelFileLayout.FlagPeephole : (byte)0;
        flags |= o.GruLinearBeforeReset ? ModelFileLayout.FlagGruLinearBeforeReset : (byte)0;
        flags |= o.Bias ? ModelFileLayout.FlagBias : (byte)0;
        arch.WriteByte(ModelFileLayout.CellCode(o.Cell));
        arch.WriteByte(flags);
        arch.WriteByte(ModelFileLayout.HeadCode(model.HeadMode));
        arch.WriteByte(0);
        arch.WriteInt32(o.InputSize);
        arch.WriteInt32(o.HiddenSize);
        arch.WriteInt32(o.NumLayers);
        arch.WriteInt32(o.ProjectionSize);
        arch.WriteSingle(o.Dropout);
        arch.WriteInt32(model.OutputSize);
        arch.WriteInt32(model.Embedding?.VocabularySize ?? 0);
        return arch;
    }

    private static SectionWriter Parameters(RecurrentModel model)
    {
        long capacity = 4 + (4L * model.ParameterCount) + (64L * ModelTensors.Count(model));
        var parm = new SectionWriter(ModelFileLayout.Parameters, (int)Math.Min(capacity, Array.MaxLength));
        parm.WriteUInt32((uint)ModelTensors.Count(model));
        for (int l = 0; l < model.Parameters.Count; l++)
        {
            string prefix = ModelTensors.Prefix(model, l);
            foreach (Parameter parameter in model.Parameters[l])
            {
                parm.WriteString(prefix + parameter.Name);
                parm.WriteUInt32((uint)parameter.Shape.Length);
                foreach (int dim in parameter.Shape)
                {
                    parm.WriteInt32(dim);
                }

                parm.WriteSingles(parameter.Values);
            }
        }

        return parm;
    }

    private static SectionWriter Checkpoint(ModelCheckpoint checkpoint)
    {
        OptimizerState state = checkpoint.Optimizer;
        var ckpt = new SectionWriter(ModelFileLayout.Checkpoint);
        ckpt.WriteInt32(checkpoint.EpochsCompleted);
        ckpt.WriteInt32(checkpoint.Seed);
        ckpt.WriteString(state.Name);
        ckpt.WriteInt64(state.StepCount);
        ckpt.WriteSingle(state.LearningRate);
        ckpt.WriteUInt32((uint)state.Buffers.Count);
        foreach (float[] buffer in state.Buffers)
        {
            ckpt.WriteUInt32((uint)buffer.Length);
            ckpt.WriteSingles(buffer);
        }

        ckpt.WriteInt32(checkpoint.BestEpoch);
        ckpt.WriteDouble(checkpoint.BestValue);
        ckpt.WriteInt32(checkpoint.EpochsWithoutImprovement);
        ckpt.WriteBoolean(checkpoint.BestWeights is not null);
        if (checkpoint.BestWeights is { } best)
        {
            ckpt.WriteUInt32((uint)best.Length);
            ckpt.WriteSingles(best);
        }

        return ckpt;
    }

    private static void WriteMetrics(SectionWriter writer, MetricValues metrics)
    {
        writer.WriteDouble(metrics.Loss);
        writer.WriteDouble(metrics.Accuracy);
        writer.WriteDouble(metrics.Rmse);
        writer.WriteDouble(metrics.Mae);
        writer.WriteDouble(metrics.Perplexity);
        writer.WriteDouble(metrics.BitsPerCharacter);
    }

    private static void ValidateCheckpoint(ModelCheckpoint checkpoint, RecurrentModel model)
    {
        OptimizerState? state = checkpoint.Optimizer;
        Require(state is not null, "Checkpoint.Optimizer is null.");
        Require(checkpoint.EpochsCompleted >= 0, $"Checkpoint.EpochsCompleted must be 0 or more; got {checkpoint.EpochsCompleted}.");
        Require(checkpoint.BestEpoch >= -1, $"Checkpoint.BestEpoch must be -1 or more; got {checkpoint.BestEpoch}.");
        Require(checkpoint.EpochsWithoutImprovement >= 0, $"Checkpoint.EpochsWithoutImprovement must be 0 or more; got {checkpoint.EpochsWithoutImprovement}.");
        Require(!string.IsNullOrEmpty(state!.Name), "Checkpoint.Optimizer.Name is empty.");
        Require(Utf8Length(state.Name, "Checkpoint.Optimizer.Name") <= ModelFileLimits.MaxNameBytes, $"Checkpoint.Optimizer.Name is longer than {ModelFileLimits.MaxNameBytes} UTF-8 bytes.");
        Require(state.StepCount >= 0, $"Checkpoint.Optimizer.StepCount must be 0 or more; got {state.StepCount}.");
        Require(state.LearningRate >= 0f && float.IsFinite(state.LearningRate), $"Checkpoint.Optimizer.LearningRate must be a non-negative finite number; got {state.LearningRate}.");
        Require(state.Buffers is not null, "Checkpoint.Optimizer.Buffers is null.");
        int lists = model.Parameters.Count;
        int buffers = state.Buffers!.Count;
        Require(buffers <= ModelFileLimits.MaxOptimizerBuffers && buffers % lists == 0,
            $"Checkpoint.Optimizer has {buffers} buffers; the model's {lists} parameter lists need a multiple of {lists}, at most {ModelFileLimits.MaxOptimizerBuffers}.");
        for (int i = 0; i < buffers; i++)
        {
            int expected = model.Parameters[i % lists].TotalLength;
            Require(state.Buffers[i] is not null && state.Buffers[i].Length == expected,
                $"Checkpoint.Optimizer buffer {i} must hold {expected} values (parameter list {i % lists}); got {state.Buffers[i]?.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}.");
        }

        Require(checkpoint.BestWeights is null || checkpoint.BestWeights.Length == model.ParameterCount,
            $"Checkpoint.BestWeights must hold the model's {model.ParameterCount} values; got {checkpoint.BestWeights?.Length}.");
    }

    private static void RequireKey(string key, string what)
    {
        Require(!string.IsNullOrEmpty(key), $"{what} has an empty key.");
        Require(Utf8Length(key, $"{what} key") <= ModelFileLimits.MaxNameBytes, $"{what} key '{key}' is longer than {ModelFileLimits.MaxNameBytes} UTF-8 bytes.");
    }

    private static int Utf8Length(string text, string what)
    {
        Require(!HasLoneSurrogate(text), $"{what} holds a lone surrogate, which UTF-8 cannot store.");
        return Encoding.UTF8.GetByteCount(text);
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }

    private static string[] SortedKeys(IEnumerable<string> keys)
    {
        string[] sorted = [.. keys];
        Array.Sort(sorted, StringComparer.Ordinal);
        return sorted;
    }

    private static void Require([DoesNotReturnIf(false)] bool condition, string message, string paramName = ParamName)
    {
        if (!condition)
        {
            throw new ArgumentException(message, paramName);
        }
    }
}
