using System.Text;

namespace FastLstm.Training;

/// <summary>
/// Saves and restores what resuming a run needs: every parameter value of a model (by name and shape), the
/// optimizer's state (step count, learning rate, moment buffers) and the number of finished epochs.
/// </summary>
/// <remarks>
/// Format (little-endian): "FLCK", version 1, epochs (int32); per parameter list: count, then per parameter name,
/// rank, dims, values; then the optimizer's name, step count (int64), learning rate, buffer count and buffers.
/// Loading checks names and shapes and refuses a mismatch before changing anything.
/// </remarks>
public static class TrainingCheckpoint
{
    private const int Magic = 0x4B434C46; // "FLCK"
    private const int Version = 1;

    /// <summary>Writes the model's parameters, the optimizer's state and <paramref name="epochsCompleted"/> to <paramref name="stream"/>.</summary>
    /// <exception cref="ArgumentException">The optimizer does not update this model's parameter lists.</exception>
    public static void Save(Stream stream, RecurrentModel model, Optimizer optimizer, int epochsCompleted)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(epochsCompleted);
        writer.Write(model.Parameters.Count);
        foreach (ParameterList list in model.Parameters)
        {
            writer.Write(list.Count);
            foreach (Parameter parameter in list)
            {
                writer.Write(parameter.Name);
                writer.Write(parameter.Shape.Length);
                foreach (int dim in parameter.Shape)
                {
                    writer.Write(dim);
                }

                WriteFloats(writer, parameter.Values);
            }
        }

        OptimizerState state = optimizer.ExportState();
        writer.Write(state.Name);
        writer.Write(state.StepCount);
        writer.Write(state.LearningRate);
        writer.Write(state.Buffers.Count);
        foreach (float[] buffer in state.Buffers)
        {
            writer.Write(buffer.Length);
            WriteFloats(writer, buffer);
        }
    }

    /// <summary>Reads a checkpoint written by <see cref="Save"/> into <paramref name="model"/> and <paramref name="optimizer"/>.</summary>
    /// <returns>The number of finished epochs stored (pass it as <see cref="TrainerOptions.InitialEpoch"/> to resume).</returns>
    /// <exception cref="InvalidDataException">The stream is not a checkpoint, or its parameters or optimizer do not match.</exception>
    public static int Load(Stream stream, RecurrentModel model, Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        if (reader.ReadInt32() != Magic || reader.ReadInt32() != Version)
        {
            throw new InvalidDataException("The stream is not a FastLstm training checkpoint of version 1.");
        }

        int epochs = reader.ReadInt32();
        Require(reader.ReadInt32() == model.Parameters.Count, "The checkpoint has a different number of parameter lists than the model.");

        // Read everything first, so a mismatch found late leaves the model untouched.
        var values = new float[model.ParameterCount];
        int offset = 0;
        foreach (ParameterList list in model.Parameters)
        {
            Require(reader.ReadInt32() == list.Count, "A parameter list of the checkpoint has a different number of parameters than the model's.");
            foreach (Parameter parameter in list)
            {
                string name = reader.ReadString();
                Require(name == parameter.Name, $"The checkpoint holds parameter '{name}' where the model has '{parameter.Name}'.");
                int rank = reader.ReadInt32();
                Require(rank == parameter.Shape.Length, $"Parameter '{name}' has rank {rank} in the checkpoint, {parameter.Shape.Length} in the model.");
                for (int d = 0; d < rank; d++)
                {
                    Require(reader.ReadInt32() == parameter.Shape[d], $"Parameter '{name}' has another shape in the checkpoint than the model's {parameter.ShapeText}.");
                }

                ReadFloats(reader, values.AsSpan(offset, parameter.Length));
                offset += parameter.Length;
            }
        }

        string optimizerName = reader.ReadString();
        long steps = reader.ReadInt64();
        float rate = reader.ReadSingle();
        int count = reader.ReadInt32();
        Require(count >= 0 && count < 1024, "The checkpoint's optimizer state is damaged.");
        var buffers = new float[count][];
        for (int i = 0; i < count; i++)
        {
            int length = reader.ReadInt32();
            Require(length >= 0 && length <= model.ParameterCount, "The checkpoint's optimizer state is damaged.");
            buffers[i] = new float[length];
            ReadFloats(reader, buffers[i]);
        }

        try
        {
            optimizer.ImportState(new OptimizerState(optimizerName, steps, rate, buffers));
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException("The checkpoint's optimizer state does not fit this optimizer: " + e.Message, e);
        }

        model.CopyValuesFrom(values);
        return epochs;
    }

    private static void WriteFloats(BinaryWriter writer, ReadOnlySpan<float> values)
    {
        foreach (float value in values)
        {
            writer.Write(value);
        }
    }

    private static void ReadFloats(BinaryReader reader, Span<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = reader.ReadSingle();
        }
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidDataException(message);
        }
    }
}
