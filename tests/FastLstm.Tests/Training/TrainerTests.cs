using Xunit;
using FastLstm.Training;

namespace FastLstm.Tests.Training;

public class TrainerTests
{
    private static Trainer MeanTrainer(int seed, TrainerOptions options, out RecurrentModel model, float learningRate = 0.01f)
    {
        model = TrainingData.Model(CellKind.Lstm, 2, 8, 1, HeadMode.LastStep, seed);
        return new Trainer(model, new MeanSquaredError(), new Adam(model.Parameters, learningRate), options);
    }

    [Fact]
    public void Fit_ReducesLossFarBelowStart()
    {
        SequenceDataset train = TrainingData.MeanOfInputs(256, 8, seed: 1);
        Trainer trainer = MeanTrainer(1, new TrainerOptions { Epochs = 8, BatchSize = 16, Seed = 1 }, out _);
        double before = trainer.Evaluate(train).Loss;
        TrainingResult result = trainer.Fit(train);
        double after = trainer.Evaluate(train).Loss;
        Assert.Equal(StopReason.Completed, result.StopReason);
        Assert.Equal(8, result.History.Count);
        Assert.True(after < before / 5, $"loss {before} → {after}");
    }

    [Fact]
    public void Fit_SameSeed_GivesBitIdenticalWeights()
    {
        SequenceDataset train = TrainingData.MeanOfInputs(96, 6, seed: 2, withLengths: true);
        var options = new TrainerOptions { Epochs = 3, BatchSize = 10, Seed = 42, ClipNorm = 0.5f, ValidationFraction = 0.2 };
        MeanTrainer(5, options, out RecurrentModel first).Fit(train);
        MeanTrainer(5, options, out RecurrentModel second).Fit(train);
        MeanTrainer(5, options with { Seed = 43 }, out RecurrentModel other).Fit(train);
        Assert.Equal(TrainingData.Values(first), TrainingData.Values(second));
        Assert.NotEqual(TrainingData.Values(first), TrainingData.Values(other));
    }

    [Fact]
    public void Fit_WithDropout_IsDeterministicToo()
    {
        SequenceDataset train = TrainingData.MeanOfInputs(64, 5, seed: 3);
        float[] Run()
        {
            var model = new RecurrentModel(new RecurrentOptions { Cell = CellKind.Gru, InputSize = 2, HiddenSize = 6, NumLayers = 2, Dropout = 0.3f }, 1, HeadMode.LastStep, seed: 9);
            new Trainer(model, new MeanSquaredError(), new RmsProp(model.Parameters, 0.01f), new TrainerOptions { Epochs = 2, BatchSize = 8, Seed = 7 }).Fit(train);
            return TrainingData.Values(model);
        }

        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void EarlyStopping_StopsAfterPatienceEpochsWithoutImprovement()
    {
        // A learning rate of 0 never changes the weights: epoch 0 is the best, then `patience` epochs without improvement.
        SequenceDataset train = TrainingData.MeanOfInputs(40, 4, seed: 4);
        SequenceDataset validation = TrainingData.MeanOfInputs(20, 4, seed: 5);
        Trainer trainer = MeanTrainer(1, new TrainerOptions { Epochs = 50, BatchSize = 8, Patience = 3 }, out _, learningRate: 0f);
        TrainingResult result = trainer.Fit(train, validation);
        Assert.Equal(StopReason.EarlyStopped, result.StopReason);
        Assert.Equal(4, result.History.Count);
        Assert.Equal(0, result.BestEpoch);
    }

    [Fact]
    public void BestWeights_AreRestoredWhenValidationGetsWorse()
    {
        // Training pulls the output towards +1 while validation wants −1 on the same inputs: plain SGD with a small rate
        // moves the output monotonically from about 0 towards +1, so validation is best after epoch 0 and then worsens.
        SequenceDataset basis = TrainingData.MeanOfInputs(64, 4, seed: 6);
        var train = new SequenceDataset(basis.Inputs.ToArray(), Enumerable.Repeat(1f, 64).ToArray(), 64, 4, 2, 1, false);
        var validation = new SequenceDataset(basis.Inputs.ToArray(), Enumerable.Repeat(-1f, 64).ToArray(), 64, 4, 2, 1, false);
        RecurrentModel model = TrainingData.Model(CellKind.Lstm, 2, 8, 1, HeadMode.LastStep, seed: 1);
        var trainer = new Trainer(model, new MeanSquaredError(), new Sgd(model.Parameters, 0.05f), new TrainerOptions { Epochs = 4, BatchSize = 16 });
        float[]? afterFirstEpoch = null;
        var progress = new SyncProgress(p =>
        {
            if (p.IsEpochEnd && p.Epoch == 0)
            {
                afterFirstEpoch = TrainingData.Values(model);
            }
        });

        TrainingResult result = trainer.Fit(train, validation, progress);
        Assert.Equal(0, result.BestEpoch);
        Assert.True(result.History[^1].Validation.Loss > result.History[0].Validation.Loss);
        Assert.Equal(afterFirstEpoch, TrainingData.Values(model));
        Assert.Equal(result.History[0].Validation.Loss, trainer.Evaluate(validation).Loss, 12);
    }

    [Fact]
    public void NaNLoss_StopsWithEpochAndBatch_AndKeepsBestWeights()
    {
        SequenceDataset basis = TrainingData.MeanOfInputs(40, 4, seed: 7);
        float[] targets = basis.Targets.ToArray();
        var train = new SequenceDataset(basis.Inputs.ToArray(), targets, 40, 4, 2, 1, false);
        Trainer trainer = MeanTrainer(1, new TrainerOptions { Epochs = 5, BatchSize = 8, Shuffle = false }, out RecurrentModel model);
        float[]? bestSoFar = null;
        var progress = new SyncProgress(p =>
        {
            if (p.IsEpochEnd && p.Epoch == 1)
            {
                bestSoFar = TrainingData.Values(model);
                targets[17] = float.NaN;   // sample 17 is in batch 2 (samples 16–23) of every unshuffled epoch
            }
        });

        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(train, progress: progress));
        Assert.Equal(2, error.Epoch);
        Assert.Equal(2, error.Batch);
        Assert.Equal("loss", error.Quantity);
        Assert.Equal(1, error.RestoredEpoch);
        Assert.Contains("epoch 3, batch 3", error.Message);
        Assert.Equal(bestSoFar, TrainingData.Values(model));
        Assert.All(TrainingData.Values(model), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void NaNInFirstEpoch_RestoresStartingWeights()
    {
        SequenceDataset basis = TrainingData.MeanOfInputs(16, 4, seed: 8);
        float[] inputs = basis.Inputs.ToArray();
        inputs[((9 * 4) + 2) * 2] = float.PositiveInfinity;
        var train = new SequenceDataset(inputs, basis.Targets.ToArray(), 16, 4, 2, 1, false);
        Trainer trainer = MeanTrainer(1, new TrainerOptions { Epochs = 2, BatchSize = 4, Shuffle = false }, out RecurrentModel model);
        float[] start = TrainingData.Values(model);
        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(train));
        Assert.Equal(0, error.Epoch);
        Assert.Equal(2, error.Batch);
        Assert.Equal(-1, error.RestoredEpoch);
        Assert.Equal(start, TrainingData.Values(model));
    }

    [Fact]
    public void Cancellation_StopsAfterTheCurrentBatch()
    {
        SequenceDataset train = TrainingData.MeanOfInputs(80, 4, seed: 9);
        using var cancellation = new CancellationTokenSource();
        Trainer trainer = MeanTrainer(1, new TrainerOptions { Epochs = 3, BatchSize = 8 }, out _);
        var progress = new SyncProgress(p =>
        {
            if (!p.IsEpochEnd && p.Epoch == 1 && p.Batch == 3)
            {
                cancellation.Cancel();
            }
        });

        TrainingResult result = trainer.Fit(train, progress: progress, cancellationToken: cancellation.Token);
        Assert.Equal(StopReason.Cancelled, result.StopReason);
        Assert.Equal(13, result.Steps);
        Assert.Single(result.History);
    }

    [Fact]
    public void Progress_ReportsBatchesAndEpochEnds()
    {
        SequenceDataset train = TrainingData.MeanOfInputs(30, 4, seed: 10);
        var reports = new List<TrainingProgress>();
        Trainer trainer = MeanTrainer(1, new TrainerOptions { Epochs = 2, BatchSize = 8, ProgressInterval = 2, ValidationFraction = 0.25 }, out _);
        trainer.Fit(train, progress: new SyncProgress(reports.Add));

        // 30 sequences, a quarter (8) to validation: 22 train in 3 batches; reports after batch 2 and at each epoch end.
        Assert.Equal(4, reports.Count);
        Assert.Equal([false, true, false, true], reports.Select(r => r.IsEpochEnd));
        Assert.True(reports[1].Validation.HasValues);
        Assert.Equal(3, reports[1].BatchesPerEpoch);
        Assert.True(reports[0].GradientNorm > 0);
    }

    [Fact]
    public void Checkpoint_ResumedRun_MatchesUninterruptedRun()
    {
        SequenceDataset train = TrainingData.MeanOfInputs(48, 5, seed: 11);
        var options = new TrainerOptions { Epochs = 4, BatchSize = 8, Seed = 3, Schedule = new CosineSchedule(24) };
        MeanTrainer(2, options, out RecurrentModel straight).Fit(train);

        Trainer firstHalf = MeanTrainer(2, options with { Epochs = 2 }, out RecurrentModel interrupted);
        firstHalf.Fit(train);
        using var file = new MemoryStream();
        TrainingCheckpoint.Save(file, interrupted, firstHalf.Optimizer, 2);

        RecurrentModel resumed = TrainingData.Model(CellKind.Lstm, 2, 8, 1, HeadMode.LastStep, seed: 99);
        var optimizer = new Adam(resumed.Parameters, 0.01f);
        file.Position = 0;
        int epochs = TrainingCheckpoint.Load(file, resumed, optimizer);
        new Trainer(resumed, new MeanSquaredError(), optimizer, options with { InitialEpoch = epochs }).Fit(train);
        Assert.Equal(TrainingData.Values(straight), TrainingData.Values(resumed));
    }

    [Fact]
    public void Checkpoint_OfAnotherModel_IsRefused()
    {
        RecurrentModel small = TrainingData.Model(CellKind.Lstm, 2, 8, 1, HeadMode.LastStep);
        using var file = new MemoryStream();
        TrainingCheckpoint.Save(file, small, new Adam(small.Parameters), 1);
        RecurrentModel gru = TrainingData.Model(CellKind.Gru, 2, 8, 1, HeadMode.LastStep);
        float[] before = TrainingData.Values(gru);
        file.Position = 0;
        Assert.Throws<InvalidDataException>(() => TrainingCheckpoint.Load(file, gru, new Adam(gru.Parameters)));
        Assert.Equal(before, TrainingData.Values(gru));
    }

    [Fact]
    public void PerStepClassification_LearnsAndReportsAccuracy()
    {
        SequenceDataset train = TrainingData.PerStepClasses(128, 10, seed: 12, withLengths: true);
        RecurrentModel model = TrainingData.Model(CellKind.Gru, 1, 12, 4, HeadMode.EveryStep);
        var trainer = new Trainer(model, new SoftmaxCrossEntropy(), new Adam(model.Parameters, 0.02f), new TrainerOptions { Epochs = 15, BatchSize = 16, Monitor = Metric.Accuracy });
        trainer.Fit(train);
        MetricValues metrics = trainer.Evaluate(train);
        Assert.True(metrics.Accuracy > 0.95, $"accuracy {metrics.Accuracy}");
        Assert.Equal(Math.Exp(metrics.Loss), metrics.Perplexity, 12);
        Assert.Equal(metrics.Loss / Math.Log(2), metrics.BitsPerCharacter, 12);
        Assert.True(double.IsNaN(metrics.Rmse));
    }

    [Fact]
    public void Monitor_ThatDoesNotApplyToTheLoss_IsRefused()
    {
        RecurrentModel model = TrainingData.Model(CellKind.Gru, 2, 4, 1, HeadMode.LastStep);
        var error = Assert.Throws<ArgumentException>(() =>
            new Trainer(model, new MeanSquaredError(), new Adam(model.Parameters), new TrainerOptions { Monitor = Metric.Accuracy }));
        Assert.Contains("Accuracy", error.Message);
    }

    [Fact]
    public void Dataset_ThatDoesNotFitTheHead_IsRefused()
    {
        RecurrentModel model = TrainingData.Model(CellKind.Gru, 1, 4, 4, HeadMode.LastStep);
        var trainer = new Trainer(model, new SoftmaxCrossEntropy(), new Adam(model.Parameters));
        var error = Assert.Throws<ArgumentException>(() => trainer.Fit(TrainingData.PerStepClasses(8, 4, 1)));
        Assert.Contains("targets per step", error.Message);
    }

    [Fact]
    public void Schedule_SetsTheLearningRateOfEachStep()
    {
        SequenceDataset train = TrainingData.MeanOfInputs(16, 3, seed: 13);
        var rates = new List<float>();
        Trainer trainer = MeanTrainer(1, new TrainerOptions { Epochs = 2, BatchSize = 4, Schedule = new WarmupSchedule(4) }, out _, learningRate: 0.1f);
        trainer.Fit(train, progress: new SyncProgress(p =>
        {
            if (!p.IsEpochEnd)
            {
                rates.Add(p.LearningRate);
            }
        }));
        Assert.Equal([0.025f, 0.05f, 0.075f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f], rates);
    }
}
