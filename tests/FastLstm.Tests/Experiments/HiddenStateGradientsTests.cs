using Xunit;
using FastLstm.Experiments;
using FastLstm.Experiments.Tasks;
using FastLstm.Training;

namespace FastLstm.Tests.Experiments;

public class HiddenStateGradientsTests
{
    // Both sides run the same float32 kernels in different groupings (suffix passes vs one pass), so they agree to
    // float rounding accumulated over a few dozen steps.
    private const double RelativeTolerance = 1e-3;

    [Theory]
    [InlineData(CellKind.RnnTanh)]
    [InlineData(CellKind.Lstm)]
    [InlineData(CellKind.Gru)]
    public void SuffixMethod_MatchesTheGradientInsideOneBackwardPass(CellKind cell)
    {
        // The engine's backward keeps "the total gradient reaching h(t)" per step in an internal buffer (the tests
        // see internals): slot t there is ∂L/∂h_{t+1} here. The experiment's public-API method must equal it.
        const int steps = 12;
        const int batch = 4;
        RecurrentModel model = ModelFactory.Build(cell, AddingProblem.InputSize, 6, 1, HeadMode.LastStep, seed: 4);
        SequenceDataset data = AddingProblem.Generate(batch, steps, seed: 5);
        HiddenStateGradients.Series series = HiddenStateGradients.Measure(model, data, new MeanSquaredError());

        var batchData = new SequenceBatch(steps, batch, 2, 1, false);
        batchData.Fill(data, [0, 1, 2, 3]);
        ModelWorkspace workspace = model.CreateWorkspace();
        model.Forward(workspace, batchData.Inputs, steps, batch);
        var gradient = new float[batch];
        new MeanSquaredError().Compute(workspace.Output, batchData.Targets, 1, default, gradient);
        model.Backward(workspace, gradient);
        float[] inside = workspace.Recurrent.StateGradients;
        for (int t = 0; t < steps; t++)
        {
            double expected = 0;
            for (int b = 0; b < batch; b++)
            {
                double squares = 0;
                for (int k = 0; k < 6; k++)
                {
                    double g = inside[(((t * batch) + b) * 6) + k];
                    squares += g * g;
                }

                expected += Math.Sqrt(squares);
            }

            Assert.True(Math.Abs(series.Hidden[t + 1] - expected) <= RelativeTolerance * expected, $"t = {t + 1}: {series.Hidden[t + 1]} vs {expected}");
        }

        Assert.True(series.Hidden[0] > 0);
    }
}
