using Xunit;
using FastLstm.Experiments.Tasks;
using FastLstm.Training;

namespace FastLstm.Tests.Experiments;

public class TemporalOrderTests
{
    [Fact]
    public void EverySequence_IsFramed_HasTwoRelevantSymbolsInTheirWindows_AndTheirOrderAsClass()
    {
        const int steps = 60;
        const int x = 6;
        const int y = 7;
        SequenceDataset data = TemporalOrder.Generate(400, steps, seed: 2);
        var classCounts = new int[TemporalOrder.Classes];
        for (int n = 0; n < data.Count; n++)
        {
            ReadOnlySpan<float> sequence = data.Inputs.Slice(n * steps * 8, steps * 8);
            var symbols = new int[steps];
            for (int t = 0; t < steps; t++)
            {
                ReadOnlySpan<float> oneHot = sequence.Slice(t * 8, 8);
                Assert.Equal(1f, oneHot.ToArray().Sum());
                symbols[t] = oneHot.IndexOf(1f);
            }

            Assert.Equal(4, symbols[0]);
            Assert.Equal(5, symbols[^1]);
            int[] relevant = Enumerable.Range(0, steps).Where(t => symbols[t] is x or y).ToArray();
            Assert.Equal(2, relevant.Length);
            Assert.InRange(relevant[0], steps / 10, steps / 5);
            Assert.InRange(relevant[1], steps / 2, steps * 3 / 5);
            int expected = (symbols[relevant[0]] == y ? 2 : 0) + (symbols[relevant[1]] == y ? 1 : 0);
            Assert.Equal(expected, (int)data.Targets[n]);
            classCounts[expected]++;
        }

        // Uniform classes: each near 100 of 400 (binomial σ ≈ 8.7; ±40 is over four σ).
        Assert.All(classCounts, c => Assert.InRange(c, 60, 140));
    }

    [Fact]
    public void ChanceBaselines_AreAQuarterAndLnFour()
    {
        Assert.Equal(0.25, TemporalOrder.ChanceAccuracy);
        Assert.Equal(Math.Log(4), TemporalOrder.ChanceCrossEntropy, 12);
    }
}
