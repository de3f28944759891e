using System.CommandLine;
using System.Globalization;
using System.Text;
using FastLstm.Cli.Reporting;
using FastLstm.Cli.Storage;
using FastLstm.Cli.Tasks;
using FastLstm.Cli.Tasks.Forecasting;
using FastLstm.Training;
using Spectre.Console;
using static FastLstm.Cli.Commands.CommonOptions;

namespace FastLstm.Cli.Commands;

/// <summary>
/// 'fastlstm forecast MODEL': forecasts the steps after the end of the series (or after --holdout rows before it, so
/// the actual values are known and drawn too); writes forecast.csv and forecast.png.
/// </summary>
internal sealed class ForecastCommand
{
    private readonly Argument<string> _model = ModelArgument.Create();
    private readonly Option<string?> _data = Make<string?>("--data", "The series to continue (default: the training file)", "-d");
    private readonly Option<int?> _steps = Make<int?>("--steps", "Rows to forecast (default: the model's horizon, or one season when that is longer); past the horizon forecasts are fed back as inputs");
    private readonly Option<int> _holdout = Defaulted("--holdout", "Forecast from this many rows before the end, to compare with the actual values", 0);
    private readonly Option<string?> _output = Make<string?>("--output", "Folder for forecast.csv and forecast.png (default runs/<timestamp>-forecast/)", "-o");

    public Command Build(CliContext context)
    {
        var command = new Command("forecast", "Forecast the next rows of a series with a trained forecaster; writes the forecast as CSV and a picture of history, forecast and (with --holdout) actual values.")
        {
            _model, _data, _steps, _holdout, _output,
        };
        command.SetAction(result => Run(context, result));
        return command;
    }

    private int Run(CliContext context, ParseResult result)
    {
        SavedModel saved = ModelArgument.Load(result.GetValue(_model)!, out _);
        ModelArgument.Task(saved, "forecast", ForecastMetadata.Task);
        ForecastProblem problem = ForecastMetadata.Load(saved, result.GetValue(_data));
        ForecastSpec spec = problem.Spec;
        int holdout = NonNegative(result.GetValue(_holdout), 0, "--holdout");
        int steps = Positive(result.GetValue(_steps), Math.Max(spec.Horizon, problem.Season), "--steps");
        int origin = problem.Rows - holdout;
        if (origin < problem.FirstTarget)
        {
            throw CliException.Usage($"--holdout {holdout} leaves {origin} rows, fewer than the {problem.FirstTarget} the model reads (lookback {spec.Lookback} + lag {problem.Transform.Lag}).");
        }

        int k = problem.TargetIndices.Length;
        bool feedsBack = k == problem.Features && problem.TargetIndices.Select((c, j) => c == j).All(same => same);
        if (steps > spec.Horizon && !feedsBack)
        {
            throw CliException.Usage($"--steps {steps} is past the model's horizon {spec.Horizon}, and the model does not forecast every column it reads, so its forecasts cannot be fed back; use --steps {spec.Horizon}.");
        }

        double[] forecast = Roll(saved.Model, problem, origin, steps);
        string output = RunFolder.Resolve(result.GetValue(_output), context, "-forecast");
        string csvPath = Path.Combine(output, "forecast.csv");
        string picturePath = Path.Combine(output, "forecast.png");
        WriteCsv(csvPath, problem, origin, steps, forecast);
        Draw(picturePath, problem, origin, steps, forecast);
        Print(context, problem, origin, steps, forecast);
        context.Line();
        context.Line($"saved to {RunFolder.Show(output)}/");
        context.Line($"  forecast  {RunFolder.Show(csvPath)}");
        context.Line($"  picture   {RunFolder.Show(picturePath)}");
        return ExitCodes.Success;
    }

    /// <summary>(steps, K) forecasts in the data's units from <paramref name="origin"/>: a horizon at a time, fed back beyond it.</summary>
    private static double[] Roll(RecurrentModel model, ForecastProblem problem, int origin, int steps)
    {
        int lookback = problem.Spec.Lookback;
        int horizon = problem.Spec.Horizon;
        int features = problem.Features;
        int k = problem.TargetIndices.Length;
        var window = new List<float>(problem.Scaled.AsSpan((origin - lookback) * features, lookback * features).ToArray());
        var z = new float[steps * k];
        ModelWorkspace workspace = model.CreateWorkspace();
        for (int done = 0; done < steps; done += horizon)
        {
            float[] input = [.. window.Skip(window.Count - (lookback * features))];
            model.Forward(workspace, input, lookback, 1);
            ReadOnlySpan<float> output = workspace.Output;
            int take = Math.Min(horizon, steps - done);
            output[..(take * k)].CopyTo(z.AsSpan(done * k));
            window.AddRange(output[..(horizon * k)].ToArray());
        }

        problem.Scaler.InverseTransform(z, problem.TargetIndices);
        var y = new double[steps * k];
        ForecastEvaluation.Undo(problem, origin, z, y);
        return y;
    }

    private static string Label(ForecastProblem problem, int row) =>
        row < problem.Rows && problem.Series.TimeLabels is { } labels ? labels[row]
        : row < problem.Rows ? (row + 1).ToString(CultureInfo.InvariantCulture)
        : problem.Series.TimeLabels is null ? (row + 1).ToString(CultureInfo.InvariantCulture) : problem.Axis.FutureLabel(row - problem.Rows + 1);

    private static void WriteCsv(string path, ForecastProblem problem, int origin, int steps, double[] forecast)
    {
        IReadOnlyList<string> targets = problem.Spec.Targets;
        var text = new StringBuilder();
        text.Append(problem.Spec.TimeColumn ?? "row");
        foreach (string target in targets)
        {
            text.Append(',').Append(target);
        }

        foreach (string target in targets)
        {
            text.Append(",actual_").Append(target);
        }

        text.Append('\n');
        for (int s = 0; s < steps; s++)
        {
            int row = origin + s;
            text.Append(Label(problem, row));
            for (int j = 0; j < targets.Count; j++)
            {
                text.Append(',').Append(forecast[(s * targets.Count) + j].ToString("R", CultureInfo.InvariantCulture));
            }

            for (int j = 0; j < targets.Count; j++)
            {
                text.Append(',').Append(row < problem.Rows ? problem.Actual(row, j).ToString("R", CultureInfo.InvariantCulture) : "");
            }

            text.Append('\n');
        }

        File.WriteAllText(path, text.ToString());
    }

    private static void Draw(string path, ForecastProblem problem, int origin, int steps, double[] forecast)
    {
        int k = problem.TargetIndices.Length;
        int from = Math.Max(0, origin - Math.Max(4 * problem.Spec.Lookback, 3 * problem.Season));
        double[] historyX = [.. Enumerable.Range(from, origin - from).Select(problem.Axis.X)];
        double[] historyY = [.. Enumerable.Range(from, origin - from).Select(t => problem.Actual(t, 0))];
        double[] futureX = [.. Enumerable.Range(origin, steps).Select(problem.Axis.X)];
        var series = new List<Plots.Series>
        {
            new("history", historyX, historyY),
            new("forecast", [problem.Axis.X(origin - 1), .. futureX], [problem.Actual(origin - 1, 0), .. Enumerable.Range(0, steps).Select(s => forecast[s * k])], Markers: true),
        };
        int known = Math.Min(steps, problem.Rows - origin);
        if (known > 0)
        {
            series.Add(new Plots.Series("actual", [problem.Axis.X(origin - 1), .. futureX[..known]], [problem.Actual(origin - 1, 0), .. Enumerable.Range(origin, known).Select(t => problem.Actual(t, 0))], Dashed: true));
        }

        Plots.Forecast(path, $"{Path.GetFileName(problem.Spec.DataPath)}: {steps}-step forecast from {Label(problem, origin - 1)}", problem.Spec.Targets[0], problem.Axis.IsDate, series, problem.Axis.X(origin - 1), "forecast origin");
    }

    private static void Print(CliContext context, ForecastProblem problem, int origin, int steps, double[] forecast)
    {
        IReadOnlyList<string> targets = problem.Spec.Targets;
        bool known = origin < problem.Rows;
        string[] columns = [problem.Spec.TimeColumn ?? "row", .. targets.Select(t => "forecast " + t), .. known ? targets.Select(t => "actual " + t) : []];
        Table table = Tables.Create($"{steps}-step forecast from {Label(problem, origin - 1)}", columns);
        for (int s = 0; s < steps; s++)
        {
            int row = origin + s;
            var cells = new List<string> { Label(problem, row) };
            cells.AddRange(Enumerable.Range(0, targets.Count).Select(j => Tables.Number(forecast[(s * targets.Count) + j])));
            if (known)
            {
                cells.AddRange(Enumerable.Range(0, targets.Count).Select(j => row < problem.Rows ? Tables.Number(problem.Actual(row, j)) : "-"));
            }

            Tables.Row(table, false, [.. cells]);
        }

        context.Console.Write(table);
    }
}
