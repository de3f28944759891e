using FastLstm.Serialization;
using FastLstm.Tests.Training;
using FastLstm.Training;
using Xunit;

namespace FastLstm.Tests.Serialization;

/// <summary>
/// A run stopped after a checkpoint and resumed from the file, in fresh objects, ends with the same weights as the
/// run that never stopped, bit for bit.
/// </summary>
public class ModelFileResumeTests
{
    private const int Epochs = 5;
    private const int StopAfter = 2;

    [Theory]
    [InlineData("adam")]
    [InlineData("sgd_momentum")]
    [InlineData("rmsprop_centred")]
    public void FitResumedFromACheckpointFile_MatchesTheUninterruptedRun_WithDropoutAndShuffle(string optimizer)
    {
        SequenceDataset train = TrainingData.MeanOfInputs(60, 6, seed: 21, withLengths: true);
        var options = new TrainerOptions
        {
            Epochs = Epochs,
            BatchSize = 8,
            Seed = 1234,
            Shuffle = true,
            ClipNorm = 1f,
            Schedule = new CosineSchedule(Epochs * 8),
            RestoreBestWeights = false,
        };

        // The run that never stops.
        RecurrentModel straight = NewModel();
        new Trainer(straight, new MeanSquaredError(), NewOptimizer(optimizer, straight), options).Fit(train);

        // The same run, checkpointed to a file at the end of every epoch (as a CLI would), "killed" after epoch StopAfter − 1.
        using var directory = new TempFolder();
        string path = Path.Combine(directory.Path, "run.flm");
        RecurrentModel interrupted = NewModel();
        Optimizer firstOptimizer = NewOptimizer(optimizer, interrupted);
        var trainer = new Trainer(interrupted, new MeanSquaredError(), firstOptimizer, options);
        using var stop = new CancellationTokenSource();
        trainer.Fit(train, progress: new SyncProgress(p =>
        {
            if (p.IsEpochEnd)
            {
                ModelFile.Save(path, new ModelFile
                {
                    Model = interrupted,
                    Checkpoint = new ModelCheckpoint(firstOptimizer.ExportState(), p.Epoch + 1, options.Seed),
                });
                if (p.Epoch + 1 == StopAfter)
                {
                    stop.Cancel();
                }
            }
        }), cancellationToken: stop.Token);

        // Resume in fresh objects from the file alone.
        ModelFile file = ModelFile.Load(path);
        ModelCheckpoint checkpoint = file.Checkpoint!;
        Assert.Equal(StopAfter, checkpoint.EpochsCompleted);
        Optimizer resumedOptimizer = NewOptimizer(optimizer, file.Model);
        resumedOptimizer.ImportState(checkpoint.Optimizer);
        new Trainer(file.Model, new MeanSquaredError(), resumedOptimizer, options with { Seed = checkpoint.Seed, InitialEpoch = checkpoint.EpochsCompleted })
            .Fit(train);

        Assert.Equal(ModelFileTestData.Values(straight), ModelFileTestData.Values(file.Model));
        // 60 sequences in batches of 8: 8 steps per epoch. (The stopped run took one more step into epoch StopAfter
        // before it saw the cancellation, like a kill after the checkpoint; the file does not contain it.)
        Assert.Equal(8 * Epochs, resumedOptimizer.StepCount);
    }

    [Fact]
    public void FitStreamResumedFromACheckpointFile_MatchesTheUninterruptedRun()
    {
        const int Vocabulary = 7;
        int[] tokens = [.. Enumerable.Range(0, 600).Select(i => ((i * i) + (i / 3)) % Vocabulary)];
        StreamDataset train = StreamDataset.NextToken(tokens);
        var options = new TrainerOptions { Epochs = 4, BatchSize = 4, BpttLength = 10, Seed = 5, RestoreBestWeights = false };
        RecurrentModel Model() => new(new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 4, HiddenSize = 8, NumLayers = 2, Dropout = 0.2f }, Vocabulary, HeadMode.EveryStep, Vocabulary, seed: 8);

        RecurrentModel straight = Model();
        new Trainer(straight, new SoftmaxCrossEntropy(), new Adam(straight.Parameters, 0.01f), options).FitStream(train);

        RecurrentModel first = Model();
        var firstAdam = new Adam(first.Parameters, 0.01f);
        new Trainer(first, new SoftmaxCrossEntropy(), firstAdam, options with { Epochs = 2 }).FitStream(train);
        byte[] bytes = ModelFileTestData.Bytes(new ModelFile { Model = first, Checkpoint = new ModelCheckpoint(firstAdam.ExportState(), 2, options.Seed) });

        ModelFile file = ModelFile.Read(bytes);
        var adam = new Adam(file.Model.Parameters, 0.01f);
        adam.ImportState(file.Checkpoint!.Optimizer);
        new Trainer(file.Model, new SoftmaxCrossEntropy(), adam, options with { InitialEpoch = file.Checkpoint.EpochsCompleted }).FitStream(train);

        Assert.Equal(ModelFileTestData.Values(straight), ModelFileTestData.Values(file.Model));
    }

    [Fact]
    public void TrainBatchStepsResumedFromACheckpoint_MatchTheUninterruptedSteps()
    {
        // N optimizer steps straight vs K steps, save, load into fresh objects, N − K steps (no dropout: a mid-epoch
        // resume has no generator state to restore then).
        const int Steps = 9;
        const int Stop = 4;
        SequenceDataset data = TrainingData.MeanOfInputs(32, 5, seed: 3);
        var options = new TrainerOptions { BatchSize = 8, Seed = 2, Schedule = new WarmupSchedule(3) };
        static RecurrentModel Model() => new(new RecurrentOptions { Cell = CellKind.Gru, InputSize = 2, HiddenSize = 6, Bidirectional = true }, 1, HeadMode.LastStep, seed: 4);
        void Run(Trainer trainer, int from, int to)
        {
            SequenceBatch batch = trainer.CreateBatch(data);
            for (int step = from; step < to; step++)
            {
                int[] indices = [.. Enumerable.Range((step * 8) % 32, 8)];
                batch.Fill(data, indices);
                trainer.TrainBatch(batch);
            }
        }

        RecurrentModel straight = Model();
        Run(new Trainer(straight, new HuberLoss(), new AdamW(straight.Parameters, 0.02f), options), 0, Steps);

        RecurrentModel first = Model();
        var firstOptimizer = new AdamW(first.Parameters, 0.02f);
        Run(new Trainer(first, new HuberLoss(), firstOptimizer, options), 0, Stop);
        byte[] bytes = ModelFileTestData.Bytes(new ModelFile { Model = first, Checkpoint = new ModelCheckpoint(firstOptimizer.ExportState(), 0, options.Seed) });

        ModelFile file = ModelFile.Read(bytes);
        var optimizer = new AdamW(file.Model.Parameters, 0.02f);
        optimizer.ImportState(file.Checkpoint!.Optimizer);
        Run(new Trainer(file.Model, new HuberLoss(), optimizer, options), Stop, Steps);

        Assert.Equal(ModelFileTestData.Values(straight), ModelFileTestData.Values(file.Model));
        Assert.NotEqual(ModelFileTestData.Values(first), ModelFileTestData.Values(file.Model));
    }

    private static RecurrentModel NewModel() =>
        new(new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 2, HiddenSize = 6, NumLayers = 2, Dropout = 0.3f }, 1, HeadMode.LastStep, seed: 6);

    private static Optimizer NewOptimizer(string name, RecurrentModel model) => name switch
    {
        "adam" => new Adam(model.Parameters, 0.01f),
        "sgd_momentum" => new Sgd(model.Parameters, 0.05f, momentum: 0.9f, nesterov: true),
        _ => new RmsProp(model.Parameters, 0.005f, momentum: 0.5f, centered: true),
    };
}
