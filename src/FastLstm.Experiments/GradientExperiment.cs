using System.Diagnostics;
using FastLstm.Experiments.Tasks;
using FastLstm.Training;

namespace FastLstm.Experiments;

/// <summary>
/// Experiment 3. Vanishing gradients: ‖∂L/∂h_t‖ for every t of T-step adding-problem sequences, for an untrained and a
/// trained RNN and LSTM. Exploding gradients: an RNN whose recurrent matrix has spectral radius ρ &gt; 1, its per-step
/// gradient norms, and SGD training with and without clipping by global norm.
/// </summary>
public static class GradientExperiment
{
    /// <summary>Settings, each with a command-line flag.</summary>
    public sealed record Settings
    {
        /// <summary>--length: T of the measured sequences and of the training data.</summary>
        public int Length { get; init; } = 200;

        /// <summary>--hidden: H.</summary>
        public int Hidden { get; init; } = 64;

        /// <summary>--train-steps: Adam steps that make the "trained" models.</summary>
        public int TrainSteps { get; init; } = 5000;

        /// <summary>--batch: sequences per step, and sequences averaged in the measurement.</summary>
        public int Batch { get; init; } = 50;

        /// <summary>--radius: spectral radius ρ of the exploding RNN's recurrent matrix.</summary>
        public double Radius { get; init; } = 1.5;

        /// <summary>--explode-length: T of the exploding-gradient training.</summary>
        public int ExplodeLength { get; init; } = 50;

        /// <summary>--explode-steps: SGD steps of the exploding-gradient training.</summary>
        public int ExplodeSteps { get; init; } = 400;

        /// <summary>--sgd-lr: the SGD learning rate of the exploding-gradient training.</summary>
        public double SgdLearningRate { get; init; } = 0.01;

        /// <summary>--clip: the global-norm clip of the clipped run.</summary>
        public float Clip { get; init; } = 1f;

        /// <summary>--seed.</summary>
        public int Seed { get; init; } = 1;

        /// <summary>--exploding-cells: the RNN nonlinearities of the exploding part, tanh and/or relu.</summary>
        public string[] ExplodingCells { get; init; } = ["tanh", "relu"];

        /// <summary>--part: vanishing, exploding or both.</summary>
        public string Part { get; init; } = "both";

        /// <summary>Reads the flags over the defaults.</summary>
        public static Settings From(ExperimentArgs args)
        {
            ArgumentNullException.ThrowIfNull(args);
            var d = new Settings();
            return new Settings
            {
                Length = args.Get("length", d.Length),
                Hidden = args.Get("hidden", d.Hidden),
                TrainSteps = args.Get("train-steps", d.TrainSteps),
                Batch = args.Get("batch", d.Batch),
                Radius = args.Get("radius", d.Radius),
                ExplodeLength = args.Get("explode-length", d.ExplodeLength),
                ExplodeSteps = args.Get("explode-steps", d.ExplodeSteps),
                SgdLearningRate = args.Get("sgd-lr", d.SgdLearningRate),
                Clip = (float)args.Get("clip", d.Clip),
                Seed = args.Get("seed", d.Seed),
                Part = args.Get("part", d.Part),
                ExplodingCells = args.Get("exploding-cells", string.Join(',', d.ExplodingCells)).Split(','),
            };
        }
    }

    /// <summary>Runs both parts; writes gradient_norms.csv, gradient_summary.csv, exploding_steps.csv and exploding_training.csv.</summary>
    public static void Run(Settings settings, string outputDirectory, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        if (settings.Part != "exploding")
        {
            RunVanishing(settings, outputDirectory, log);
        }

        if (settings.Part != "vanishing")
        {
            RunExploding(settings, outputDirectory, log);
        }
    }

    /// <summary>The vanishing part: per-step norms of untrained and trained RNN and LSTM.</summary>
    private static void RunVanishing(Settings settings, string outputDirectory, TextWriter log)
    {
        SequenceDataset probe = AddingProblem.Generate(settings.Batch, settings.Length, settings.Seed + 7);
        using var norms = new CsvTable(Path.Combine(outputDirectory, "gradient_norms.csv"), "model", "state", "t", "grad_h_norm", "grad_c_norm");
        using var summary = new CsvTable(Path.Combine(outputDirectory, "gradient_summary.csv"),
            "model", "state", "T", "loss", "grad_h_first", "grad_h_last", "ratio_first_to_last", "grad_h_at_first_marker_half", "test_mse");
        foreach (CellKind cell in new[] { CellKind.RnnTanh, CellKind.Lstm })
        {
            RecurrentModel model = ModelFactory.Build(cell, AddingProblem.InputSize, settings.Hidden, 1, HeadMode.LastStep, settings.Seed);
            Measure(model, "untrained", double.NaN);
            double testMse = Train(model, settings, log);
            Measure(model, "trained", testMse);

            void Measure(RecurrentModel m, string state, double mse)
            {
                HiddenStateGradients.Series series = HiddenStateGradients.Measure(m, probe, new MeanSquaredError());
                for (int t = 0; t < series.Hidden.Length; t++)
                {
                    norms.Row(ModelFactory.Name(cell), state, t, series.Hidden[t], series.Cell.Length > 0 ? series.Cell[t] : double.NaN);
                }

                double first = series.Hidden[0];
                double last = series.Hidden[^1];
                double firstHalf = series.Hidden[settings.Length / 4];
                summary.Row(ModelFactory.Name(cell), state, settings.Length, series.Loss, first, last, first / last, firstHalf, mse);
                log.WriteLine($"gradients {ModelFactory.Name(cell),-4} {state,-9}: |dL/dh_0| = {first:E3}, |dL/dh_T/4| = {firstHalf:E3}, |dL/dh_T| = {last:E3}, ratio h_0/h_T = {first / last:E3}");
            }
        }
    }

    /// <summary>Adam training on the adding problem at the measured length; returns the test MSE.</summary>
    private static double Train(RecurrentModel model, Settings settings, TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        int count = Math.Max(settings.Batch * 100, settings.Batch);
        SequenceDataset train = AddingProblem.Generate(count, settings.Length, settings.Seed);
        SequenceDataset test = AddingProblem.Generate(1000, settings.Length, settings.Seed + 2);
        int stepsPerEpoch = (count + settings.Batch - 1) / settings.Batch;
        using var trainer = new Trainer(model, new MeanSquaredError(), new Adam(model.Parameters), new TrainerOptions
        {
            Epochs = Math.Max(1, (settings.TrainSteps + stepsPerEpoch - 1) / stepsPerEpoch),
            BatchSize = settings.Batch,
            Seed = settings.Seed,
            ClipNorm = 1f,
            ProgressInterval = 0,
        });
        trainer.Fit(train);
        double mse = trainer.Evaluate(test).Loss;
        log.WriteLine($"gradients: trained {model.Recurrent.Options.Cell} at T = {settings.Length}: test MSE {mse:F4} in {clock.Elapsed.TotalSeconds:F0} s");
        return mse;
    }

    /// <summary>The exploding part: per-step norms at ρ, then SGD with and without clipping from the same start.</summary>
    private static void RunExploding(Settings settings, string outputDirectory, TextWriter log)
    {
        SequenceDataset probe = AddingProblem.Generate(settings.Batch, settings.Length, settings.Seed + 7);
        CellKind[] cells = Array.ConvertAll(settings.ExplodingCells, c => c == "relu" ? CellKind.RnnRelu : CellKind.RnnTanh);
        using (var steps = new CsvTable(Path.Combine(outputDirectory, "exploding_steps.csv"), "cell", "radius", "t", "grad_h_norm"))
        {
            foreach (CellKind cell in cells)
            {
                foreach (double radius in new[] { 1.0, settings.Radius })
                {
                    RecurrentModel model = ExplodingRnn(settings, radius, cell);
                    HiddenStateGradients.Series series = HiddenStateGradients.Measure(model, probe, new MeanSquaredError());
                    for (int t = 0; t < series.Hidden.Length; t++)
                    {
                        steps.Row(ModelFactory.Name(cell), radius, t, series.Hidden[t]);
                    }

                    log.WriteLine($"exploding: {ModelFactory.Name(cell)} rho = {radius}: |dL/dh_0| = {series.Hidden[0]:E3}, |dL/dh_T| = {series.Hidden[^1]:E3}, ratio = {series.Hidden[0] / series.Hidden[^1]:E3}");
                }
            }
        }

        using var training = new CsvTable(Path.Combine(outputDirectory, "exploding_training.csv"), "cell", "clipping", "step", "loss", "gradient_norm");
        using var outcome = new CsvTable(Path.Combine(outputDirectory, "exploding_summary.csv"),
            "cell", "clipping", "radius", "T", "lr", "steps_run", "max_gradient_norm", "final_train_loss", "test_mse", "whh_norm_start", "whh_norm_end", "diverged", "note");
        foreach ((CellKind cell, bool clip) in cells.SelectMany(c => new[] { (c, false), (c, true) }))
        {
            RecurrentModel model = ExplodingRnn(settings, settings.Radius, cell);
            double whhStart = FrobeniusNorm(model.Recurrent.Parameters["weight_hh_l0"].Values);
            SequenceDataset train = AddingProblem.Generate(settings.Batch * 100, settings.ExplodeLength, settings.Seed);
            SequenceDataset test = AddingProblem.Generate(1000, settings.ExplodeLength, settings.Seed + 2);
            int stepsPerEpoch = 100;
            using var trainer = new Trainer(model, new MeanSquaredError(), new Sgd(model.Parameters, (float)settings.SgdLearningRate), new TrainerOptions
            {
                Epochs = Math.Max(1, (settings.ExplodeSteps + stepsPerEpoch - 1) / stepsPerEpoch),
                BatchSize = settings.Batch,
                Seed = settings.Seed,
                ClipNorm = clip ? settings.Clip : 0f,
                RestoreBestWeights = false,
            });
            var recorder = new StepRecorder();
            string note = "";
            bool diverged = false;
            try
            {
                trainer.Fit(train, progress: recorder);
            }
            catch (TrainingDivergedException e)
            {
                diverged = true;
                note = e.Message;
            }

            string label = clip ? $"clip {settings.Clip}" : "none";
            for (int i = 0; i < recorder.Losses.Count; i++)
            {
                training.Row(ModelFactory.Name(cell), label, i + 1, recorder.Losses[i], recorder.Norms[i]);
            }

            double maxNorm = recorder.Norms.Count == 0 ? double.NaN : recorder.Norms.Max();
            double finalLoss = recorder.Losses.Count == 0 ? double.NaN : recorder.Losses.TakeLast(20).Average();
            double testMse = trainer.Evaluate(test).Loss;
            diverged |= !double.IsFinite(testMse) || testMse > 10 * AddingProblem.ConstantBaselineMse;
            double whhEnd = FrobeniusNorm(model.Recurrent.Parameters["weight_hh_l0"].Values);
            outcome.Row(ModelFactory.Name(cell), label, settings.Radius, settings.ExplodeLength, settings.SgdLearningRate, recorder.Losses.Count, maxNorm, finalLoss, testMse, whhStart, whhEnd, diverged, note.Replace(',', ';'));
            log.WriteLine($"exploding training, {ModelFactory.Name(cell)}, clipping {label}: max gradient norm {maxNorm:E3}, mean loss of the last 20 steps {finalLoss:F4}, test MSE {testMse:F4}, |W_hh| {whhStart:F1} -> {whhEnd:F1}, diverged: {diverged} {note}");
        }
    }

    private static double FrobeniusNorm(ReadOnlySpan<float> values)
    {
        double squares = 0;
        foreach (float v in values)
        {
            squares += (double)v * v;
        }

        return Math.Sqrt(squares);
    }

    /// <summary>An RNN (tanh or relu) whose W_hh is a random orthogonal matrix times ρ, other weights PyTorch's defaults.</summary>
    private static RecurrentModel ExplodingRnn(Settings settings, double radius, CellKind cell)
    {
        RecurrentModel model = ModelFactory.Build(cell, AddingProblem.InputSize, settings.Hidden, 1, HeadMode.LastStep, settings.Seed);
        int h = settings.Hidden;
        model.Recurrent.Parameters["weight_hh_l0"].CopyFrom(OrthogonalMatrix.Create(h, radius, settings.Seed + 11), [h, h]);
        return model;
    }

    /// <summary>Collects every batch's loss and pre-clipping gradient norm, synchronously on the training thread.</summary>
    private sealed class StepRecorder : IProgress<TrainingProgress>
    {
        public List<double> Losses { get; } = [];

        public List<double> Norms { get; } = [];

        public void Report(TrainingProgress value)
        {
            if (!value.IsEpochEnd)
            {
                Losses.Add(value.BatchLoss);
                Norms.Add(value.GradientNorm);
            }
        }
    }
}
