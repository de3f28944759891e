using Xunit;
using FastLstm.Training;

namespace FastLstm.Tests.Training;

/// <summary>The steady-state step (forward, loss, backward, clip, update) allocates nothing.</summary>
public class TrainingStepAllocationTests
{
    public static TheoryData<CellKind, HeadMode, string> Cases => new()
    {
        { CellKind.Lstm, HeadMode.LastStep, "adam" },
        { CellKind.Gru, HeadMode.EveryStep, "sgd" },
        { CellKind.RnnTanh, HeadMode.EveryStep, "rmsprop" },
        { CellKind.Lstm, HeadMode.EveryStep, "adamw" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TrainBatch_SteadyState_AllocatesZeroBytes(CellKind cell, HeadMode head, string optimizerName)
    {
        bool perStep = head == HeadMode.EveryStep;
        SequenceDataset data = perStep ? TrainingData.PerStepClasses(24, 7, seed: 1, withLengths: true) : TrainingData.MeanOfInputs(24, 7, seed: 1, withLengths: true);
        Loss loss = perStep ? new SoftmaxCrossEntropy() : new HuberLoss();
        RecurrentModel model = TrainingData.Model(cell, data.InputSize, 6, perStep ? 4 : 1, head);
        Optimizer optimizer = optimizerName switch
        {
            "adam" => new Adam(model.Parameters),
            "sgd" => new Sgd(model.Parameters, 0.01f, momentum: 0.9f, nesterov: true),
            "rmsprop" => new RmsProp(model.Parameters, centered: true, momentum: 0.5f),
            _ => new AdamW(model.Parameters),
        };
        var trainer = new Trainer(model, loss, optimizer, new TrainerOptions { BatchSize = 8, ClipNorm = 1f, ClipValue = 0.5f, Schedule = new CosineSchedule(100) });
        SequenceBatch batch = trainer.CreateBatch(data);
        batch.Fill(data, [0, 1, 2, 3, 4, 5, 6, 7]);
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
}
