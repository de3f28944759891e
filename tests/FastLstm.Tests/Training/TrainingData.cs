using Xunit;
using FastLstm.Training;

namespace FastLstm.Tests.Training;

/// <summary>Small seeded datasets for the trainer tests.</summary>
internal static class TrainingData
{
    /// <summary>Many-to-one regression: the target is the mean of the first input channel (learnable in a few epochs).</summary>
    public static SequenceDataset MeanOfInputs(int count, int steps, int seed, bool withLengths = false)
    {
        var random = new Random(seed);
        var inputs = new float[count * steps * 2];
        var targets = new float[count];
        int[]? lengths = withLengths ? new int[count] : null;
        for (int n = 0; n < count; n++)
        {
            int length = withLengths ? random.Next(1, steps + 1) : steps;
            if (lengths is not null)
            {
                lengths[n] = length;
            }

            double sum = 0;
            for (int t = 0; t < steps; t++)
            {
                float value = (random.NextSingle() * 2f) - 1f;
                inputs[((n * steps) + t) * 2] = value;
                inputs[(((n * steps) + t) * 2) + 1] = random.NextSingle();
                if (t < length)
                {
                    sum += value;
                }
            }

            targets[n] = (float)(sum / length);
        }

        return new SequenceDataset(inputs, targets, count, steps, 2, 1, targetsPerStep: false, lengths);
    }

    /// <summary>Many-to-many classification: the class of step t is the sign pattern of inputs t−1 and t (needs memory of one step).</summary>
    public static SequenceDataset PerStepClasses(int count, int steps, int seed, bool withLengths = false)
    {
        var random = new Random(seed);
        var inputs = new float[count * steps];
        var targets = new float[count * steps];
        int[]? lengths = withLengths ? new int[count] : null;
        for (int n = 0; n < count; n++)
        {
            if (lengths is not null)
            {
                lengths[n] = random.Next(1, steps + 1);
            }

            for (int t = 0; t < steps; t++)
            {
                float value = random.Next(2) == 0 ? -1f : 1f;
                inputs[(n * steps) + t] = value;
                float previous = t == 0 ? -1f : inputs[(n * steps) + t - 1];
                targets[(n * steps) + t] = (value > 0 ? 1 : 0) + (previous > 0 ? 2 : 0);
            }
        }

        return new SequenceDataset(inputs, targets, count, steps, 1, 1, targetsPerStep: true, lengths);
    }

    public static RecurrentModel Model(CellKind cell, int inputSize, int hidden, int outputs, HeadMode head, int seed = 3, int vocabulary = 0) =>
        new(new RecurrentOptions { Cell = cell, InputSize = inputSize, HiddenSize = hidden }, outputs, head, vocabulary, seed);

    public static float[] Values(RecurrentModel model)
    {
        var values = new float[model.ParameterCount];
        model.CopyValuesTo(values);
        return values;
    }
}
