using System.Diagnostics;
using FastLstm.Experiments.Tasks;
using FastLstm.Training;

namespace FastLstm.Experiments;

/// <summary>
/// Experiment 2: RNN, LSTM and GRU on the temporal-order task for several lengths, with the same budget; writes test
/// accuracy and cross-entropy against the memoryless baseline (accuracy 1/4, cross-entropy ln 4 ≈ 1.386).
/// </summary>
public static class MemoryExperiment
{
    /// <summary>Settings, each with a command-line flag.</summary>
    public sealed record Settings
    {
        /// <summary>--lengths: sequence lengths T (≥ 20).</summary>
        public int[] Lengths { get; init; } = [50, 100, 200];

        /// <summary>--hidden: H of every model.</summary>
        public int Hidden { get; init; } = 32;

        /// <summary>--steps: optimizer steps per model (rounded up to whole epochs).</summary>
        public int Steps { get; init; } = 6000;

        /// <summary>--batch: sequences per step.</summary>
        public int Batch { get; init; } = 32;

        /// <summary>--train: training sequences.</summary>
        public int TrainCount { get; init; } = 6_400;

        /// <summary>--test: test (and validation) sequences.</summary>
        public int TestCount { get; init; } = 1_000;

        /// <summary>--lr: Adam's learning rate.</summary>
        public double LearningRate { get; init; } = 1e-3;

        /// <summary>--clip: global gradient-norm clip.</summary>
        public float Clip { get; init; } = 1f;

        /// <summary>--seed.</summary>
        public int Seed { get; init; } = 1;

        /// <summary>--models: which of RNN, LSTM, GRU to train.</summary>
        public string[] Models { get; init; } = ["RNN", "LSTM", "GRU"];

        /// <summary>--forget-bias: LSTM only; initial forget-gate bias (NaN keeps PyTorch's init).</summary>
        public double ForgetBias { get; init; } = double.NaN;

        /// <summary>--threads: models trained at once.</summary>
        public int Threads { get; init; } = 2;

        /// <summary>Reads the flags over the defaults.</summary>
        public static Settings From(ExperimentArgs args)
        {
            ArgumentNullException.ThrowIfNull(args);
            var d = new Settings();
            return new Settings
            {
                Lengths = args.Get("lengths", d.Lengths),
                Hidden = args.Get("hidden", d.Hidden),
                Steps = args.Get("steps", d.Steps),
                Batch = args.Get("batch", d.Batch),
                TrainCount = args.Get("train", d.TrainCount),
                TestCount = args.Get("test", d.TestCount),
                LearningRate = args.Get("lr", d.LearningRate),
                Clip = (float)args.Get("clip", d.Clip),
                Seed = args.Get("seed", d.Seed),
                Threads = args.Get("threads", d.Threads),
                Models = args.Get("models", string.Join(',', d.Models)).Split(','),
                ForgetBias = args.Get("forget-bias", d.ForgetBias),
            };
        }
    }

    /// <summary>One cell of the table.</summary>
    public sealed record Result(string Model, int Length, double TestAccuracy, double TestCrossEntropy, int Steps, int BestEpoch, double Seconds);

    /// <summary>Runs every (model, T) and writes memory.csv.</summary>
    public static IReadOnlyList<Result> Run(Settings settings, string outputDirectory, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        var jobs = new List<(CellKind Cell, int Length)>();
        foreach (int length in settings.Lengths.OrderDescending())
        {
            foreach (CellKind cell in ModelFactory.Cells)
            {
                if (settings.Models.Contains(ModelFactory.Name(cell), StringComparer.OrdinalIgnoreCase))
                {
                    jobs.Add((cell, length));
                }
            }
        }

        var results = new Result[jobs.Count];
        Parallel.For(0, jobs.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, settings.Threads) }, i =>
        {
            results[i] = RunOne(settings, jobs[i].Cell, jobs[i].Length);
            lock (log)
            {
                Result r = results[i];
                log.WriteLine($"temporal order T={r.Length,4} {r.Model,-4}: accuracy {r.TestAccuracy:P1}, cross-entropy {r.TestCrossEntropy:F4} (chance 25%, {TemporalOrder.ChanceCrossEntropy:F4}), best epoch {r.BestEpoch}, {r.Seconds:F0} s");
            }
        });

        using var table = new CsvTable(Path.Combine(outputDirectory, "memory.csv"),
            "task", "model", "T", "hidden", "steps", "test_accuracy", "test_cross_entropy", "chance_accuracy", "chance_cross_entropy", "best_epoch", "seconds");
        foreach (Result r in results.OrderBy(r => r.Length).ThenBy(r => Array.IndexOf(["RNN", "LSTM", "GRU"], r.Model)))
        {
            table.Row("temporal-order", r.Model, r.Length, settings.Hidden, r.Steps, r.TestAccuracy, r.TestCrossEntropy,
                TemporalOrder.ChanceAccuracy, TemporalOrder.ChanceCrossEntropy, r.BestEpoch, Math.Round(r.Seconds, 1));
        }

        return results;
    }

    /// <summary>Trains one model at one length and measures it on a fresh test set.</summary>
    public static Result RunOne(Settings settings, CellKind cell, int length)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var clock = Stopwatch.StartNew();
        SequenceDataset train = TemporalOrder.Generate(settings.TrainCount, length, settings.Seed);
        SequenceDataset validation = TemporalOrder.Generate(settings.TestCount, length, settings.Seed + 1);
        SequenceDataset test = TemporalOrder.Generate(settings.TestCount, length, settings.Seed + 2);
        RecurrentModel model = ModelFactory.Build(cell, TemporalOrder.InputSize, settings.Hidden, TemporalOrder.Classes, HeadMode.LastStep, settings.Seed);
        if (cell == CellKind.Lstm && !double.IsNaN(settings.ForgetBias))
        {
            ModelFactory.SetForgetBias(model, (float)settings.ForgetBias);
        }

        int stepsPerEpoch = (train.Count + settings.Batch - 1) / settings.Batch;
        using var trainer = new Trainer(model, new SoftmaxCrossEntropy(), new Adam(model.Parameters, (float)settings.LearningRate), new TrainerOptions
        {
            Epochs = Math.Max(1, (settings.Steps + stepsPerEpoch - 1) / stepsPerEpoch),
            BatchSize = settings.Batch,
            Seed = settings.Seed,
            ClipNorm = settings.Clip,
            ProgressInterval = 0,
        });

        TrainingResult result = trainer.Fit(train, validation);
        MetricValues metrics = trainer.Evaluate(test);
        return new Result(ModelFactory.Name(cell), length, metrics.Accuracy, metrics.Loss, (int)result.Steps, result.BestEpoch, clock.Elapsed.TotalSeconds);
    }
}
