using System.Diagnostics;
using System.Globalization;
using FastLstm.Experiments.Tasks;
using FastLstm.Training;

namespace FastLstm.Experiments;

/// <summary>
/// Experiment 1: RNN (tanh), LSTM and GRU of the same hidden size and the same budget of optimizer steps on the adding
/// problem for several sequence lengths; writes the final test MSE of each (model, T) against the 1/6 baseline.
/// </summary>
public static class AddingExperiment
{
    /// <summary>Settings, each with a command-line flag.</summary>
    public sealed record Settings
    {
        /// <summary>--lengths: sequence lengths T.</summary>
        public int[] Lengths { get; init; } = [50, 100, 200, 400];

        /// <summary>--hidden: H of every model.</summary>
        public int Hidden { get; init; } = 64;

        /// <summary>--steps: optimizer steps per model (rounded up to whole epochs).</summary>
        public int Steps { get; init; } = 6000;

        /// <summary>--batch: sequences per step.</summary>
        public int Batch { get; init; } = 50;

        /// <summary>--train: training sequences (an epoch is train/batch steps).</summary>
        public int TrainCount { get; init; } = 10_000;

        /// <summary>--test: test (and validation) sequences.</summary>
        public int TestCount { get; init; } = 1_000;

        /// <summary>--lr: Adam's learning rate.</summary>
        public double LearningRate { get; init; } = 1e-3;

        /// <summary>--clip: global gradient-norm clip.</summary>
        public float Clip { get; init; } = 1f;

        /// <summary>--seed: seed of data, initialization and shuffling.</summary>
        public int Seed { get; init; } = 1;

        /// <summary>--models: which of RNN, LSTM, GRU to train.</summary>
        public string[] Models { get; init; } = ["RNN", "LSTM", "GRU"];

        /// <summary>--forget-bias: LSTM only; the forget gate's bias b_ih_f starts at this value (b_hh_f at 0). NaN keeps PyTorch's init.</summary>
        public double ForgetBias { get; init; } = double.NaN;

        /// <summary>--threads: models trained at once (each single-threaded; results do not depend on it).</summary>
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
                ForgetBias = args.Get("forget-bias", d.ForgetBias),
                Models = args.Get("models", string.Join(',', d.Models)).Split(','),
            };
        }
    }

    /// <summary>One cell of the table.</summary>
    public sealed record Result(string Model, int Length, double TestMse, double BaselineMse, int Steps, int BestEpoch, double Seconds, string Curve);

    /// <summary>Runs every (model, T), writes adding.csv and adding_curves.csv into <paramref name="outputDirectory"/>, prints the table.</summary>
    public static IReadOnlyList<Result> Run(Settings settings, string outputDirectory, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        var jobs = new List<(CellKind Cell, int Length)>();
        // Longest sequences first, so the two threads finish together instead of one waiting on T = 400 at the end.
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
                log.WriteLine($"adding T={r.Length,4} {r.Model,-4}: test MSE {r.TestMse:F5} (baseline {r.BaselineMse:F4}) after {r.Steps} steps, {r.Seconds:F0} s");
            }
        });

        string init = double.IsNaN(settings.ForgetBias) ? "pytorch" : $"forget_bias={settings.ForgetBias.ToString(CultureInfo.InvariantCulture)}";
        using (var table = new CsvTable(Path.Combine(outputDirectory, "adding.csv"), "model", "T", "hidden", "steps", "test_mse", "baseline_mse", "best_epoch", "init", "seconds"))
        {
            foreach (Result r in results.OrderBy(r => r.Length).ThenBy(r => Array.IndexOf(["RNN", "LSTM", "GRU"], r.Model)))
            {
                table.Row(r.Model, r.Length, settings.Hidden, r.Steps, r.TestMse, r.BaselineMse, r.BestEpoch, r.Model == "LSTM" ? init : "pytorch", Math.Round(r.Seconds, 1));
            }
        }

        using (var curves = new CsvTable(Path.Combine(outputDirectory, "adding_curves.csv"), "model", "T", "epoch", "step", "train_mse", "validation_mse"))
        {
            foreach (Result r in results)
            {
                foreach (string line in r.Curve.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    string[] cells = line.Split(',');
                    curves.Row(r.Model, r.Length, cells[0], cells[1], cells[2], cells[3]);
                }
            }
        }

        return results;
    }

    /// <summary>Trains one model at one length and measures it on a fresh test set.</summary>
    public static Result RunOne(Settings settings, CellKind cell, int length)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var clock = Stopwatch.StartNew();
        SequenceDataset train = AddingProblem.Generate(settings.TrainCount, length, settings.Seed);
        SequenceDataset validation = AddingProblem.Generate(settings.TestCount, length, settings.Seed + 1);
        SequenceDataset test = AddingProblem.Generate(settings.TestCount, length, settings.Seed + 2);
        RecurrentModel model = ModelFactory.Build(cell, AddingProblem.InputSize, settings.Hidden, 1, HeadMode.LastStep, settings.Seed);
        if (cell == CellKind.Lstm && !double.IsNaN(settings.ForgetBias))
        {
            ModelFactory.SetForgetBias(model, (float)settings.ForgetBias);
        }

        int stepsPerEpoch = (train.Count + settings.Batch - 1) / settings.Batch;
        int epochs = Math.Max(1, (settings.Steps + stepsPerEpoch - 1) / stepsPerEpoch);
        using var trainer = new Trainer(model, new MeanSquaredError(), new Adam(model.Parameters, (float)settings.LearningRate), new TrainerOptions
        {
            Epochs = epochs,
            BatchSize = settings.Batch,
            Seed = settings.Seed,
            ClipNorm = settings.Clip,
            ProgressInterval = 0,
        });

        TrainingResult result = trainer.Fit(train, validation);
        double testMse = trainer.Evaluate(test).Loss;
        var curve = new System.Text.StringBuilder();
        foreach (EpochRecord epoch in result.History)
        {
            curve.Append(CultureInfo.InvariantCulture, $"{epoch.Epoch},{(epoch.Epoch + 1) * stepsPerEpoch},{epoch.Train.Loss:R},{epoch.Validation.Loss:R}\n");
        }

        return new Result(ModelFactory.Name(cell), length, testMse, AddingProblem.ConstantPredictionMse(test), (int)result.Steps, result.BestEpoch, clock.Elapsed.TotalSeconds, curve.ToString());
    }
}
