using Xunit;
using FastLstm.Training;

namespace FastLstm.Tests.Training;

public class StreamTrainingTests
{
    /// <summary>A periodic token stream "abcabd…": the next token depends on the previous two.</summary>
    private static StreamDataset Stream(int length)
    {
        int[] pattern = [0, 1, 2, 0, 1, 3];
        var tokens = new int[length];
        for (int i = 0; i < length; i++)
        {
            tokens[i] = pattern[i % pattern.Length];
        }

        return StreamDataset.NextToken(tokens);
    }

    private static RecurrentModel CharModel(int seed = 5) =>
        new(new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 6, HiddenSize = 16 }, 4, HeadMode.EveryStep, vocabularySize: 4, seed);

    [Fact]
    public void FitStream_LearnsTheStream()
    {
        StreamDataset train = Stream(2000);
        RecurrentModel model = CharModel();
        var trainer = new Trainer(model, new SoftmaxCrossEntropy(), new Adam(model.Parameters, 0.02f), new TrainerOptions { Epochs = 6, BatchSize = 8, BpttLength = 20 });
        TrainingResult result = trainer.FitStream(train, Stream(500));
        MetricValues metrics = result.History[^1].Validation;
        Assert.True(metrics.BitsPerCharacter < 0.2, $"bits per character {metrics.BitsPerCharacter}");
        Assert.True(metrics.Accuracy > 0.95, $"accuracy {metrics.Accuracy}");
    }

    [Fact]
    public void EvaluateStream_CarriesState_SoChunksEqualOneLongPass()
    {
        StreamDataset data = Stream(301);
        RecurrentModel model = CharModel();
        MetricValues Evaluate(int chunk) =>
            new Trainer(model, new SoftmaxCrossEntropy(), new Adam(model.Parameters), new TrainerOptions { BatchSize = 3, BpttLength = chunk }).EvaluateStream(data);

        // With the state carried exactly, cutting the streams into chunks of 7 changes nothing but rounding.
        Assert.Equal(Evaluate(100).Loss, Evaluate(7).Loss, 5);
    }

    [Fact]
    public void Generation_SameSeed_SameText_AndGreedyIsArgMaxChain()
    {
        RecurrentModel model = CharModel();
        new Trainer(model, new SoftmaxCrossEntropy(), new Adam(model.Parameters, 0.02f), new TrainerOptions { Epochs = 4, BatchSize = 8, BpttLength = 20 })
            .FitStream(Stream(2000));
        var first = new int[30];
        var second = new int[30];
        SequenceGenerator.SampleTokens(model, [0, 1], first, temperature: 1f, seed: 3);
        SequenceGenerator.SampleTokens(model, [0, 1], second, temperature: 1f, seed: 3);
        Assert.Equal(first, second);

        var greedy = new int[12];
        SequenceGenerator.SampleTokens(model, [0, 1], greedy, temperature: 0f, seed: 0);
        Assert.Equal([2, 0, 1, 3, 0, 1, 2, 0, 1, 3, 0, 1], greedy);
    }

    [Fact]
    public void Rollout_FeedsPredictionsBack()
    {
        // A model trained to predict the next value of a sine wave forecasts it recursively.
        const int steps = 4000;
        var values = new float[steps + 1];
        for (int i = 0; i <= steps; i++)
        {
            values[i] = MathF.Sin(i * 0.3f);
        }

        var stream = new StreamDataset(values[..steps], values[1..], steps, 1, 1);
        var model = new RecurrentModel(new RecurrentOptions { Cell = CellKind.Gru, InputSize = 1, HiddenSize = 12 }, 1, HeadMode.EveryStep, seed: 2);
        new Trainer(model, new MeanSquaredError(), new Adam(model.Parameters, 0.01f), new TrainerOptions { Epochs = 8, BatchSize = 10, BpttLength = 25 }).FitStream(stream);

        var forecast = new float[10];
        SequenceGenerator.Rollout(model, values.AsSpan(0, 50), forecast);
        for (int h = 0; h < forecast.Length; h++)
        {
            Assert.True(Math.Abs(forecast[h] - values[50 + h]) < 0.15, $"step {h}: {forecast[h]} vs {values[50 + h]}");
        }
    }
}
