using System.CommandLine;
using System.Globalization;
using System.Text;
using FastLstm.Cli.Experiments;
using FastLstm.Cli.Reporting;
using FastLstm.Cli.Tasks;
using FastLstm.Experiments;
using FastLstm.Experiments.Tasks;
using FastLstm.Training;
using static FastLstm.Cli.Commands.CommonOptions;

namespace FastLstm.Cli.Commands;

/// <summary>
/// 'fastlstm experiment adding|copy|memory|gradients': the classic long-memory experiments, RNN against LSTM against
/// GRU at several sequence lengths, each row a test metric next to the memoryless baseline; --out writes
/// model,T,test_metric,baseline_metric.
/// </summary>
internal sealed class ExperimentCommand
{
    private static readonly string[] Names = ["adding", "copy", "memory", "gradients"];

    private readonly Argument<string> _name = new("name") { Description = "adding (test MSE vs 1/6), copy (cross-entropy vs 10·ln8/(T+20)), memory (temporal order: accuracy vs 25%) or gradients (|dL/dh_0| / |dL/dh_T|, vs 1)" };
    private readonly Option<string> _lengths = Defaulted("--lengths", "Sequence lengths T, comma-separated", "50,100,200,400");
    private readonly Option<string> _models = Defaulted("--models", "Models, comma-separated: rnn, lstm, gru", "rnn,lstm,gru");
    private readonly Option<int?> _steps = Make<int?>("--steps", "Optimizer steps per model (default: adding 6000, copy 2000, memory 2000, gradients 0 = untrained)");
    private readonly Option<int> _hidden = Defaulted("--hidden", "Hidden units of every model", 64);
    private readonly Option<int> _batch = Defaulted("--batch-size", "Sequences per step", 50);
    private readonly Option<int> _seed = Defaulted("--seed", "Seed of data, initialization and shuffling", 1);
    private readonly Option<string?> _out = Make<string?>("--out", "Write the table as CSV: model,T,test_metric,baseline_metric");

    public Command Build(CliContext context)
    {
        _name.AcceptOnlyFromAmong(Names);
        var command = new Command("experiment", "Run a classic experiment (adding, copy, memory, gradients) for RNN, LSTM and GRU and print its table.")
        {
            _name, _lengths, _models, _steps, _hidden, _batch, _seed, _out,
        };
        command.SetAction((result, token) => Task.FromResult(Run(context, result, token)));
        return command;
    }

    private sealed record Row(string Model, int Length, double Metric, double Baseline, bool Beats);

    private int Run(CliContext context, ParseResult result, CancellationToken cancellationToken)
    {
        string name = result.GetValue(_name)!;
        int[] lengths = ParseLengths(result.GetValue(_lengths)!, name);
        CellKind[] cells = [.. List(result.GetValue(_models)!).Select(m => m.ToLowerInvariant() switch
        {
            "rnn" => CellKind.RnnTanh,
            "lstm" => CellKind.Lstm,
            "gru" => CellKind.Gru,
            _ => throw CliException.Usage($"--models must list rnn, lstm and/or gru; got '{m}'."),
        })];
        if (cells.Length == 0)
        {
            throw CliException.Usage("--models must name at least one of rnn, lstm, gru.");
        }

        int steps = NonNegative(result.GetValue(_steps), name switch { "adding" => 6000, "gradients" => 0, _ => 2000 }, "--steps");
        int hidden = Positive(result.GetValue(_hidden), 64, "--hidden");
        int batch = Positive(result.GetValue(_batch), 50, "--batch-size");
        int seed = result.GetValue(_seed);
        string metricName = name switch { "adding" => "test MSE", "copy" => "test cross-entropy", "memory" => "test accuracy", _ => "|dL/dh_0| / |dL/dh_T|" };
        string baselineName = name switch { "adding" => "baseline (predict 1)", "copy" => "memoryless baseline", "memory" => "chance", _ => "no decay" };
        context.Line($"experiment {name}: {string.Join(", ", cells.Select(ModelSettings.DisplayName))} × T = {string.Join(", ", lengths)}; hidden {hidden}, batch {batch}, {steps} steps, seed {seed}");

        var rows = new List<Row>();
        foreach (int length in lengths)
        {
            foreach (CellKind cell in cells)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var clock = System.Diagnostics.Stopwatch.StartNew();
                Row row = name switch
                {
                    "adding" => Adding(cell, length, hidden, batch, steps, seed),
                    "copy" => Copy(cell, length, hidden, batch, steps, seed),
                    "memory" => Memory(cell, length, hidden, batch, steps, seed),
                    _ => Gradients(cell, length, hidden, batch, steps, seed),
                };
                rows.Add(row);
                context.Line(string.Create(CultureInfo.InvariantCulture, $"  {row.Model,-4} T={row.Length,4}: {metricName} {row.Metric:G4} ({baselineName} {row.Baseline:G4}), {clock.Elapsed.TotalSeconds:0.0} s"));
            }
        }

        var table = Tables.Create($"{name}: {metricName} against {baselineName}", "model", "T", metricName, baselineName, name == "gradients" ? "beats baseline (≥ 1% reaches t = 0)" : "beats baseline");
        foreach (Row row in rows)
        {
            Tables.Row(table, row.Beats, row.Model, row.Length.ToString(CultureInfo.InvariantCulture), row.Metric.ToString("G4", CultureInfo.InvariantCulture), row.Baseline.ToString("G4", CultureInfo.InvariantCulture), row.Beats ? "yes" : "no");
        }

        context.Line();
        context.Console.Write(table);
        if (result.GetValue(_out) is { } path)
        {
            var csv = new StringBuilder("model,T,test_metric,baseline_metric\n");
            foreach (Row row in rows)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{row.Model},{row.Length},{row.Metric:R},{row.Baseline:R}\n");
            }

            string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (directory is not null)
            {
                Directory.CreateDirectory(directory);
            }

            File.WriteAllText(path, csv.ToString());
            context.Line($"results: {RunFolder.Show(path)}");
        }

        return ExitCodes.Success;
    }

    private static int[] ParseLengths(string text, string name)
    {
        int minimum = name == "memory" ? 20 : 2;
        var lengths = new List<int>();
        foreach (string item in List(text))
        {
            if (!int.TryParse(item, NumberStyles.Integer, CultureInfo.InvariantCulture, out int length) || length < minimum)
            {
                throw CliException.Usage($"--lengths must be integers of at least {minimum} for {name}; got '{item}'.");
            }

            lengths.Add(length);
        }

        return lengths.Count > 0 ? [.. lengths] : throw CliException.Usage("--lengths must name at least one length.");
    }

    /// <summary>Enough training sequences for the step budget (at least 10 batches), capped to keep memory modest.</summary>
    private static int TrainCount(int steps, int batch) => Math.Clamp(steps * batch / 10, batch * 10, 10_000);

    private static Row Adding(CellKind cell, int length, int hidden, int batch, int steps, int seed)
    {
        var settings = new AddingExperiment.Settings
        {
            Hidden = hidden,
            Batch = batch,
            Steps = Math.Max(1, steps),
            Seed = seed,
            TrainCount = TrainCount(steps, batch),
            TestCount = 1000,
        };
        AddingExperiment.Result r = AddingExperiment.RunOne(settings, cell, length);
        return new Row(ModelFactory.Name(cell), length, r.TestMse, AddingProblem.ConstantBaselineMse, r.TestMse < AddingProblem.ConstantBaselineMse);
    }

    private static Row Memory(CellKind cell, int length, int hidden, int batch, int steps, int seed)
    {
        var settings = new MemoryExperiment.Settings
        {
            Hidden = hidden,
            Batch = batch,
            Steps = Math.Max(1, steps),
            Seed = seed,
            TrainCount = TrainCount(steps, batch),
            TestCount = 1000,
        };
        MemoryExperiment.Result r = MemoryExperiment.RunOne(settings, cell, length);
        return new Row(ModelFactory.Name(cell), length, r.TestAccuracy, TemporalOrder.ChanceAccuracy, r.TestAccuracy > TemporalOrder.ChanceAccuracy + 0.05);
    }

    private static Row Copy(CellKind cell, int length, int hidden, int batch, int steps, int seed)
    {
        int count = TrainCount(steps, batch);
        FastLstm.Training.SequenceDataset train = CopyTask.Generate(count, length, seed);
        FastLstm.Training.SequenceDataset test = CopyTask.Generate(500, length, seed + 2);
        RecurrentModel model = ModelFactory.Build(cell, CopyTask.Codes, hidden, CopyTask.Codes, HeadMode.EveryStep, seed);
        int perEpoch = (count + batch - 1) / batch;
        using var trainer = new Trainer(model, new SoftmaxCrossEntropy(), new Adam(model.Parameters, 3e-3f), new TrainerOptions
        {
            Epochs = Math.Max(1, (Math.Max(1, steps) + perEpoch - 1) / perEpoch),
            BatchSize = batch,
            Seed = seed,
            ClipNorm = 1f,
            ProgressInterval = 0,
        });
        trainer.Fit(train);
        double crossEntropy = trainer.Evaluate(test).Loss;
        double baseline = CopyTask.BaselineCrossEntropy(length);
        return new Row(ModelFactory.Name(cell), length, crossEntropy, baseline, crossEntropy < baseline);
    }

    private static Row Gradients(CellKind cell, int length, int hidden, int batch, int steps, int seed)
    {
        RecurrentModel model = ModelFactory.Build(cell, AddingProblem.InputSize, hidden, 1, HeadMode.LastStep, seed);
        if (steps > 0)
        {
            int count = TrainCount(steps, batch);
            int perEpoch = (count + batch - 1) / batch;
            using var trainer = new Trainer(model, new MeanSquaredError(), new Adam(model.Parameters), new TrainerOptions
            {
                Epochs = Math.Max(1, (steps + perEpoch - 1) / perEpoch),
                BatchSize = batch,
                Seed = seed,
                ClipNorm = 1f,
                ProgressInterval = 0,
            });
            trainer.Fit(AddingProblem.Generate(count, length, seed));
        }

        FastLstm.Training.SequenceDataset probe = AddingProblem.Generate(Math.Min(batch, 32), length, seed + 7);
        HiddenStateGradients.Series series = HiddenStateGradients.Measure(model, probe, new MeanSquaredError());
        double ratio = series.Hidden[0] / series.Hidden[^1];
        return new Row(ModelFactory.Name(cell), length, ratio, 1.0, ratio > 0.01);
    }
}
