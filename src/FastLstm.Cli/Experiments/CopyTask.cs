using FastLstm.Training;

namespace FastLstm.Cli.Experiments;

/// <summary>
/// The copy memory task (Hochreiter &amp; Schmidhuber 1997; in the form of Arjovsky, Shah &amp; Bengio 2016): 10 symbols
/// from an alphabet of 8, then T − 1 blanks, a delimiter, and 10 more blanks; the model must output blanks until the
/// delimiter and then the 10 symbols in order. Inputs one-hot over 10 codes (8 symbols, blank, delimiter), targets per step.
/// </summary>
/// <remarks>
/// The memoryless strategy (blanks, then uniform guesses over the 8 symbols) has cross-entropy 10·ln 8 / (T + 20) per
/// step: the baseline a model beats only by carrying the symbols across the T-step delay.
/// </remarks>
internal static class CopyTask
{
    public const int Symbols = 8;
    public const int Remembered = 10;
    public const int Codes = Symbols + 2;
    private const int Blank = Symbols;
    private const int Delimiter = Symbols + 1;

    /// <summary>Cross-entropy per step of the memoryless strategy.</summary>
    public static double BaselineCrossEntropy(int delay) => Remembered * Math.Log(Symbols) / (delay + (2 * Remembered));

    /// <summary><paramref name="count"/> sequences of T + 20 steps for a delay of T (≥ 1).</summary>
    public static SequenceDataset Generate(int count, int delay, int seed)
    {
        int steps = delay + (2 * Remembered);
        var random = new Random(seed);
        var inputs = new float[count * steps * Codes];
        var targets = new float[count * steps];
        Span<int> remembered = stackalloc int[Remembered];
        for (int n = 0; n < count; n++)
        {
            Span<float> x = inputs.AsSpan(n * steps * Codes, steps * Codes);
            Span<float> y = targets.AsSpan(n * steps, steps);
            for (int i = 0; i < Remembered; i++)
            {
                remembered[i] = random.Next(Symbols);
            }

            for (int t = 0; t < steps; t++)
            {
                int code = t < Remembered ? remembered[t] : t == delay + Remembered - 1 ? Delimiter : Blank;
                x[(t * Codes) + code] = 1f;
                y[t] = t >= delay + Remembered ? remembered[t - delay - Remembered] : Blank;
            }
        }

        return new SequenceDataset(inputs, targets, count, steps, Codes, 1, targetsPerStep: true);
    }
}
