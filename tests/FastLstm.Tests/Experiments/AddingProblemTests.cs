using Xunit;
using FastLstm.Experiments.Tasks;
using FastLstm.Training;

namespace FastLstm.Tests.Experiments;

public class AddingProblemTests
{
    [Fact]
    public void EverySequence_HasExactlyTwoMarkers_OnePerHalf_AndTheirSumAsTarget()
    {
        const int steps = 37;
        SequenceDataset data = AddingProblem.Generate(500, steps, seed: 3);
        for (int n = 0; n < data.Count; n++)
        {
            ReadOnlySpan<float> sequence = data.Inputs.Slice(n * steps * 2, steps * 2);
            var marked = new List<int>();
            for (int t = 0; t < steps; t++)
            {
                float marker = sequence[(t * 2) + 1];
                Assert.True(marker is 0f or 1f);
                Assert.InRange(sequence[t * 2], 0f, 1f);
                if (marker == 1f)
                {
                    marked.Add(t);
                }
            }

            Assert.Equal(2, marked.Count);
            Assert.True(marked[0] < steps / 2 && marked[1] >= steps / 2, $"markers at {marked[0]}, {marked[1]}");
            Assert.Equal(sequence[marked[0] * 2] + sequence[marked[1] * 2], data.Targets[n]);
        }
    }

    [Fact]
    public void ConstantPrediction_ScoresOneSixth()
    {
        // Var(U1 + U2) = 1/6; over 40 000 samples the estimate's standard error is ≈ 0.167·√(0.8/40 000) ≈ 0.0008,
        // so ±0.004 is five standard errors.
        SequenceDataset data = AddingProblem.Generate(40_000, 4, seed: 1);
        Assert.Equal(1.0 / 6.0, AddingProblem.ConstantPredictionMse(data), 0.004);
        Assert.Equal(1.0 / 6.0, AddingProblem.ConstantBaselineMse, 12);
    }

    [Fact]
    public void SameSeed_SameData()
    {
        Assert.Equal(AddingProblem.Generate(5, 10, 9).Inputs.ToArray(), AddingProblem.Generate(5, 10, 9).Inputs.ToArray());
        Assert.NotEqual(AddingProblem.Generate(5, 10, 9).Inputs.ToArray(), AddingProblem.Generate(5, 10, 8).Inputs.ToArray());
    }

    [Fact]
    public void ShortTraining_LstmGoesFarBelowTheBaseline()
    {
        // T = 10, H = 16: small enough for a test, long enough that a model must remember the first marked value.
        var settings = new FastLstm.Experiments.AddingExperiment.Settings
        {
            Hidden = 16,
            Steps = 800,
            Batch = 32,
            TrainCount = 3200,
            TestCount = 500,
            LearningRate = 1e-2,
        };
        FastLstm.Experiments.AddingExperiment.Result result = FastLstm.Experiments.AddingExperiment.RunOne(settings, CellKind.Lstm, 10);
        Assert.True(result.TestMse < 0.2 * AddingProblem.ConstantBaselineMse, $"test MSE {result.TestMse} vs baseline {AddingProblem.ConstantBaselineMse}");
    }
}
