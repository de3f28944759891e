using Xunit;
using FastLstm.Training;

namespace FastLstm.Tests.Training;

/// <summary><see cref="TrainerOptions.Threads"/>: the same weights as one thread, bit for bit, and no allocation per step.</summary>
public sealed class ParallelTrainingTests
{
    // T·B = 16·16 rows at H = 48 put each unit's backward products (≈ 5 MFLOP) above the default cut, so they split.
    private const int Steps = 16;
    private const int Batch = 16;

    [Fact]
    public void Fit_TwoThreads_BitIdenticalWeightsToOneThread()
    {
        SequenceDataset data = TrainingData.MeanOfInputs(48, Steps, seed: 7, withLengths: true);
        float[] single = Train(data, threads: 1);
        float[] threaded = Train(data, threads: 2);
        Assert.Equal(single, threaded);
    }

    [Fact]
    public void TrainBatch_TwoThreads_SteadyState_AllocatesZeroBytes()
    {
        SequenceDataset data = TrainingData.MeanOfInputs(Batch, Steps, seed: 2, withLengths: true);
        RecurrentModel model = Model();
        using var trainer = new Trainer(model, new MeanSquaredError(), new Adam(model.Parameters), new TrainerOptions { BatchSize = Batch, Threads = 2 });
        SequenceBatch batch = trainer.CreateBatch(data);
        int[] order = new int[Batch];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        batch.Fill(data, order);
        for (int warmUp = 0; warmUp < 3; warmUp++)
        {
            trainer.TrainBatch(batch);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        double lossValue = trainer.TrainBatch(batch);
        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(0, after - before);
        Assert.True(double.IsFinite(lossValue));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(257)]
    public void Trainer_ThreadsOutOfRange_NamesThreads(int threads)
    {
        RecurrentModel model = Model();
        var error = Assert.ThrowsAny<ArgumentException>(() => new Trainer(model, new MeanSquaredError(), new Adam(model.Parameters), new TrainerOptions { Threads = threads }));
        Assert.Contains("Threads", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateWorkspace_Threads_OwnedUntilDisposed()
    {
        RecurrentModel model = Model();
        ModelWorkspace workspace = model.CreateWorkspace(threads: 2);
        Assert.Equal(2, workspace.Threads);
        workspace.Dispose();
        Assert.Equal(1, workspace.Threads);
    }

    /// <summary>Two epochs of a 2-layer bidirectional LSTM with dropout (so each epoch replaces the workspace).</summary>
    private static float[] Train(SequenceDataset data, int threads)
    {
        RecurrentModel model = Model();
        using var trainer = new Trainer(
            model, new MeanSquaredError(), new Adam(model.Parameters),
            new TrainerOptions { Epochs = 2, BatchSize = Batch, Seed = 11, ClipNorm = 1f, Threads = threads });
        trainer.Fit(data);
        return TrainingData.Values(model);
    }

    private static RecurrentModel Model() => new(
        new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 2, HiddenSize = 48, NumLayers = 2, Bidirectional = true, Dropout = 0.2f },
        outputSize: 1, HeadMode.LastStep, seed: 3);
}
