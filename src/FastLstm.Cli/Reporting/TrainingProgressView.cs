using System.Diagnostics;
using System.Globalization;
using FastLstm.Cli.Tasks;
using FastLstm.Training;
using Spectre.Console;

namespace FastLstm.Cli.Reporting;

/// <summary>
/// Shows a training run: on a terminal, a live progress bar with epoch, loss, validation metric and ETA; when the
/// output is captured (logs, tests), one plain line every tenth of the epochs.
/// </summary>
internal static class TrainingProgressView
{
    /// <summary>Runs <paramref name="fit"/> (which trains, reporting to the progress it is given) under the view.</summary>
    /// <param name="context">Where to draw.</param>
    /// <param name="metric">The validation metric to show.</param>
    /// <param name="fit">The training call.</param>
    public static TrainingOutcome Run(CliContext context, Metric metric, Func<IProgress<TrainingProgress>, TrainingResult> fit)
    {
        var clock = Stopwatch.StartNew();
        TrainingResult result;
        if (context.Interactive && context.Console.Profile.Capabilities.Interactive)
        {
            result = context.Console.Progress()
                .AutoClear(false)
                .HideCompleted(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(progress =>
                {
                    ProgressTask task = progress.AddTask("training", maxValue: 1);
                    var reporter = new LiveReporter(task, metric);
                    TrainingResult r = fit(reporter);
                    task.Description = Markup.Escape(reporter.Summary(r));
                    task.Value = task.MaxValue;
                    task.StopTask();
                    return r;
                });
        }
        else
        {
            var reporter = new LineReporter(context, metric);
            result = fit(reporter);
        }

        return new TrainingOutcome(result, clock.Elapsed);
    }

    private static string Metrics(TrainingProgress p, Metric metric)
    {
        string train = p.Train.HasValues ? p.Train.Loss.ToString("0.0000", CultureInfo.InvariantCulture) : "-";
        string line = $"loss {train}";
        if (p.Validation.HasValues)
        {
            double value = p.Validation.Get(metric);
            string text = metric == Metric.Accuracy ? Tables.Percent(value) : value.ToString("0.0000", CultureInfo.InvariantCulture);
            line += $"  val {Name(metric)} {text}";
        }

        return line;
    }

    private static string Name(Metric metric) => metric switch
    {
        Metric.BitsPerCharacter => "bpc",
        Metric.Accuracy => "acc",
        Metric.Rmse => "RMSE",
        _ => "loss",
    };

    /// <summary>Updates the Spectre task in place (reports arrive on the training thread; Spectre renders on its own).</summary>
    private sealed class LiveReporter(ProgressTask task, Metric metric) : IProgress<TrainingProgress>
    {
        private TrainingProgress _lastEpoch;
        private bool _hasEpoch;

        public void Report(TrainingProgress value)
        {
            task.MaxValue = Math.Max(1, (double)value.Epochs * value.BatchesPerEpoch);
            task.Value = ((double)value.Epoch * value.BatchesPerEpoch) + value.Batch;
            if (value.IsEpochEnd)
            {
                _lastEpoch = value;
                _hasEpoch = true;
            }

            TrainingProgress shown = _hasEpoch ? _lastEpoch : value;
            task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"epoch {value.Epoch + 1,3}/{value.Epochs}  {Metrics(shown, metric)}"));
        }

        public string Summary(TrainingResult result)
        {
            string metrics = _hasEpoch ? Metrics(_lastEpoch, metric) : "";
            return string.Create(CultureInfo.InvariantCulture, $"{result.History.Count} epochs, best {result.BestEpoch + 1}  {metrics}");
        }
    }

    /// <summary>Plain lines for captured output: the first epoch, every tenth of the run, and the last.</summary>
    private sealed class LineReporter(CliContext context, Metric metric) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (!value.IsEpochEnd)
            {
                return;
            }

            int every = Math.Max(1, value.Epochs / 10);
            int epoch = value.Epoch + 1;
            if (epoch == 1 || epoch % every == 0 || epoch == value.Epochs)
            {
                context.Line(string.Create(CultureInfo.InvariantCulture, $"  epoch {epoch,4}/{value.Epochs}  {Metrics(value, metric)}"));
            }
        }
    }
}
