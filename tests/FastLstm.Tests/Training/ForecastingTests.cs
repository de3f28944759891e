using FastLstm.Training;
using Xunit;

namespace FastLstm.Tests.Training;

public class ForecastingTests
{
    [Fact]
    public void DirectMultiStep_LastStepHeadPredictsTheWholeHorizon()
    {
        // Windows of a noisy sine: 12 steps in, the next 3 values out, as one K = 3 regression row per window.
        const int window = 12;
        const int horizon = 3;
        const int count = 300;
        var random = new Random(4);
        var series = new float[count + window + horizon];
        for (int i = 0; i < series.Length; i++)
        {
            series[i] = MathF.Sin(i * 0.4f) + (0.05f * (random.NextSingle() - 0.5f));
        }

        var inputs = new float[count * window];
        var targets = new float[count * horizon];
        for (int n = 0; n < count; n++)
        {
            series.AsSpan(n, window).CopyTo(inputs.AsSpan(n * window));
            series.AsSpan(n + window, horizon).CopyTo(targets.AsSpan(n * horizon));
        }

        var data = new SequenceDataset(inputs, targets, count, window, 1, horizon, targetsPerStep: false);
        var model = new RecurrentModel(new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 1, HiddenSize = 16 }, horizon, HeadMode.LastStep, seed: 1);
        var trainer = new Trainer(model, new MeanSquaredError(), new Adam(model.Parameters, 0.01f), new TrainerOptions { Epochs = 20, BatchSize = 20, Monitor = Metric.Rmse });
        TrainingResult result = trainer.Fit(data);

        // The series has variance ≈ 0.5, so an RMSE of 0.1 explains over 98% of it.
        MetricValues metrics = trainer.Evaluate(data);
        Assert.True(metrics.Rmse < 0.1, $"RMSE {metrics.Rmse}");
        Assert.Equal(Math.Sqrt(metrics.Loss), metrics.Rmse, 6);
        Assert.True(result.BestEpoch >= 0);
    }
}
