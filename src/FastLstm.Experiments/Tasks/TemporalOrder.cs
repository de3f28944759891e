using FastLstm.Training;

namespace FastLstm.Experiments.Tasks;

/// <summary>
/// The temporal-order task (Hochreiter &amp; Schmidhuber 1997, experiment 6a), scaled to length T: a sequence of random
/// distractors a, b, c, d framed by B (first step) and E (last step) holds two relevant symbols, each X or Y, at a
/// step in [0.1T, 0.2T] and one in [0.5T, 0.6T]; the class is their order (XX, XY, YX, YY). Inputs are one-hot over
/// the 8 symbols. A model without memory of the early symbol cannot beat chance: accuracy 1/4, cross-entropy ln 4.
/// </summary>
public static class TemporalOrder
{
    /// <summary>Symbols a, b, c, d, B, E, X, Y; one-hot input width.</summary>
    public const int InputSize = 8;

    /// <summary>Classes XX, XY, YX, YY.</summary>
    public const int Classes = 4;

    /// <summary>Cross-entropy of the uniform prediction, the memoryless baseline: ln 4.</summary>
    public static readonly double ChanceCrossEntropy = Math.Log(Classes);

    /// <summary>Accuracy of guessing: 1/4.</summary>
    public const double ChanceAccuracy = 1.0 / Classes;

    private const int Begin = 4;
    private const int End = 5;
    private const int X = 6;
    private const int Y = 7;

    /// <summary><paramref name="count"/> sequences of <paramref name="steps"/> (≥ 20) steps with class-id targets.</summary>
    public static SequenceDataset Generate(int count, int steps, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 20);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var random = new Random(seed);
        var inputs = new float[count * steps * InputSize];
        var targets = new float[count];
        for (int n = 0; n < count; n++)
        {
            Span<float> sequence = inputs.AsSpan(n * steps * InputSize, steps * InputSize);
            int first = random.Next(steps / 10, (steps / 5) + 1);
            int second = random.Next(steps / 2, (steps * 3 / 5) + 1);
            bool firstIsY = random.Next(2) == 1;
            bool secondIsY = random.Next(2) == 1;
            for (int t = 0; t < steps; t++)
            {
                int symbol = t == 0 ? Begin
                    : t == steps - 1 ? End
                    : t == first ? (firstIsY ? Y : X)
                    : t == second ? (secondIsY ? Y : X)
                    : random.Next(4);
                sequence[(t * InputSize) + symbol] = 1f;
            }

            targets[n] = (firstIsY ? 2 : 0) + (secondIsY ? 1 : 0);
        }

        return new SequenceDataset(inputs, targets, count, steps, InputSize, targetWidth: 1, targetsPerStep: false);
    }
}
