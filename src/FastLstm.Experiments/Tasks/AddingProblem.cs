using FastLstm.Training;

namespace FastLstm.Experiments.Tasks;

/// <summary>
/// The adding problem (Hochreiter &amp; Schmidhuber 1997, in the form of Le, Jaitly &amp; Hinton 2015): every step has
/// two inputs, a value from U(0, 1) and a marker; exactly two markers are 1, one in each half of the sequence, and the
/// target is the sum of the two marked values. The sum of two U(0, 1) has mean 1 and variance 1/6, so always
/// predicting 1 scores MSE = 1/6 ≈ 0.167: the baseline a model must beat by remembering the marked values.
/// </summary>
public static class AddingProblem
{
    /// <summary>Inputs per step: value, marker.</summary>
    public const int InputSize = 2;

    /// <summary>The MSE of the best constant prediction (1) in expectation: Var(U₁ + U₂) = 2 · 1/12.</summary>
    public const double ConstantBaselineMse = 1.0 / 6.0;

    /// <summary><paramref name="count"/> sequences of <paramref name="steps"/> steps (≥ 2), many-to-one with one target each.</summary>
    public static SequenceDataset Generate(int count, int steps, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var random = new Random(seed);
        var inputs = new float[count * steps * InputSize];
        var targets = new float[count];
        int half = steps / 2;
        for (int n = 0; n < count; n++)
        {
            Span<float> sequence = inputs.AsSpan(n * steps * InputSize, steps * InputSize);
            for (int t = 0; t < steps; t++)
            {
                sequence[t * InputSize] = random.NextSingle();
            }

            int first = random.Next(0, half);
            int second = random.Next(half, steps);
            sequence[(first * InputSize) + 1] = 1f;
            sequence[(second * InputSize) + 1] = 1f;
            targets[n] = sequence[first * InputSize] + sequence[second * InputSize];
        }

        return new SequenceDataset(inputs, targets, count, steps, InputSize, targetWidth: 1, targetsPerStep: false);
    }

    /// <summary>The MSE of predicting the constant 1 on <paramref name="data"/> (close to 1/6 for large sets).</summary>
    public static double ConstantPredictionMse(SequenceDataset data, float constant = 1f)
    {
        ArgumentNullException.ThrowIfNull(data);
        double sum = 0;
        foreach (float target in data.Targets)
        {
            double difference = target - constant;
            sum += difference * difference;
        }

        return sum / data.Count;
    }
}
