using System.Globalization;
using System.Text.Json.Nodes;
using FastLstm.Cli.Reporting;
using FastLstm.Cli.Storage;
using FastLstm.Training;
using Spectre.Console;
using SequenceDataset = FastLstm.Training.SequenceDataset;

namespace FastLstm.Cli.Tasks.Forecasting;

/// <summary>
/// 'fastlstm train --task forecast': trains a many-to-one forecaster on the training windows with early stopping on
/// the validation windows, then scores it on the test part against the last-value and seasonal naive forecasts, in
/// the data's units, and saves the model, report.json and the pictures.
/// </summary>
internal static class ForecastTraining
{
    public static int Run(CliContext context, ForecastSpec spec, ModelSettings settings, string outputDirectory, string? reportPath, CancellationToken cancellationToken)
    {
        ForecastProblem problem = ForecastProblem.Load(spec);
        spec = problem.Spec;
        int[] trainOrigins = problem.TrainOrigins();
        int[] validationOrigins = problem.ValidationOrigins();
        int[] testOrigins = problem.TestOrigins();
        SequenceDataset train = problem.Windows(trainOrigins);
        SequenceDataset? validation = validationOrigins.Length > 0 ? problem.Windows(validationOrigins) : null;

        var model = new RecurrentModel(settings.Recurrent(problem.Features), spec.Horizon * spec.Targets.Count, HeadMode.LastStep, seed: settings.Seed);
        PrintHeader(context, problem, settings, model, trainOrigins.Length, validationOrigins.Length, testOrigins.Length);

        using var trainer = new Trainer(model, new MeanSquaredError(), settings.CreateOptimizer(model), settings.Trainer(Metric.Loss, validation is not null));
        TrainingOutcome outcome = TrainingProgressView.Run(context, Metric.Loss, progress => trainer.Fit(train, validation, progress, cancellationToken));
        context.Line($"trained: {outcome.Describe()}.");

        bool onTest = testOrigins.Length > 0;
        int[] scored = onTest ? testOrigins : validationOrigins.Length > 0 ? validationOrigins : trainOrigins;
        string partName = onTest ? "test" : validationOrigins.Length > 0 ? "validation" : "training";
        ForecastEvaluation evaluation = ForecastEvaluation.Run(model, problem, scored);
        string modelName = ModelSettings.DisplayName(settings.Cell);
        PrintTable(context, problem, evaluation, modelName, partName);

        // Everything the run produced goes into the output folder.
        string modelPath = Path.Combine(outputDirectory, ModelStore.FileName);
        string forecastPicture = Path.Combine(outputDirectory, "forecast.png");
        string curvePicture = Path.Combine(outputDirectory, "training.png");
        string reportFile = Path.Combine(outputDirectory, "report.json");
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var statistics = new Dictionary<string, double[]>(StringComparer.Ordinal);
        ForecastMetadata.Write(problem, metadata, statistics);
        settings.AddTo(metadata);
        metadata["created"] = context.Time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        metadata["test_rmse"] = evaluation.ModelErrors.Rmse.ToString("R", CultureInfo.InvariantCulture);
        metadata["test_mae"] = evaluation.ModelErrors.Mae.ToString("R", CultureInfo.InvariantCulture);
        ModelStore.Save(modelPath, new SavedModel { Model = model, Metadata = metadata, Statistics = statistics, History = outcome.Result.History });

        string source = Path.GetFileName(spec.DataPath);
        Plots.TrainingCurve(curvePicture, outcome.Result.History, $"{modelName} on {source}: training curve", "MSE (scaled)");
        DrawForecast(forecastPicture, problem, evaluation, modelName, partName);

        JsonObject report = Report(problem, settings, model, outcome, evaluation, partName);
        report["output_directory"] = Path.GetFullPath(outputDirectory);
        report["model_path"] = Path.GetFullPath(modelPath);
        report["pictures"] = new JsonObject { ["forecast"] = Path.GetFullPath(forecastPicture), ["training_curve"] = Path.GetFullPath(curvePicture) };
        report["report_path"] = Path.GetFullPath(reportFile);
        JsonReport.Write(report, reportFile, reportPath);

        RunFolder.PrintSaved(context, outputDirectory, modelPath, reportFile, reportPath, forecastPicture, curvePicture);
        return outcome.Cancelled ? ExitCodes.Cancelled : ExitCodes.Success;
    }

    private static void PrintHeader(CliContext context, ForecastProblem problem, ModelSettings settings, RecurrentModel model, int train, int validation, int test)
    {
        ForecastSpec spec = problem.Spec;
        IReadOnlyList<string>? labels = problem.Series.TimeLabels;
        string range = labels is { Count: > 0 } ? $", {labels[0]} to {labels[^1]}" : "";
        string targets = spec.Targets.Count == 1 ? $"column '{spec.Targets[0]}'" : $"columns {string.Join(", ", spec.Targets.Select(t => $"'{t}'"))}";
        string inputs = spec.Columns.SequenceEqual(spec.Targets) ? "" : $" from {string.Join(", ", spec.Columns)}";
        context.Line($"forecasting {targets}{inputs} of {ShippedData.Show(spec.DataPath)} ({problem.Rows} rows{range})");
        context.Line(string.Create(CultureInfo.InvariantCulture,
            $"  rows: {problem.TrainEnd} train, {problem.ValidationEnd - problem.TrainEnd} validation, {problem.Rows - problem.ValidationEnd} test; windows: {train} / {validation} / {test}; lookback {spec.Lookback}, horizon {spec.Horizon}, season {problem.Season}"));
        context.Line($"  transform: {problem.Transform.Describe()}; scaled with the training rows' statistics ({(problem.Scaler.Kind == FastLstm.Data.ScalerKind.ZScore ? "z-score" : problem.Scaler.Kind.ToString().ToLowerInvariant())})");
        context.Line(string.Create(CultureInfo.InvariantCulture,
            $"  model: {settings.Describe()}, {model.ParameterCount:N0} parameters; {settings.Optimizer} lr {settings.LearningRate}, batch {settings.BatchSize}, up to {settings.Epochs} epochs, patience {settings.Patience}, clip {settings.Clip}, seed {settings.Seed}"));
    }

    public static void PrintTable(CliContext context, ForecastProblem problem, ForecastEvaluation evaluation, string modelName, string partName)
    {
        IReadOnlyList<string>? labels = problem.Series.TimeLabels;
        int first = evaluation.Origins.Length > 0 ? evaluation.Origins[0] : 0;
        int last = evaluation.Origins.Length > 0 ? evaluation.Origins[^1] + problem.Spec.Horizon - 1 : 0;
        string span = labels is { Count: > 0 } && evaluation.Origins.Length > 0 ? $", {labels[first]} to {labels[last]}" : "";
        string units = problem.Spec.Targets.Count == 1 ? $" ({problem.Spec.Targets[0]})" : "";
        Table table = Tables.Create($"{partName} part: {evaluation.ModelErrors.Count} forecasts{span}", "forecast" + units, "RMSE", "MAE");
        double best = Math.Min(evaluation.ModelErrors.Rmse, Math.Min(evaluation.LastValueErrors.Rmse, evaluation.SeasonalNaiveErrors.Rmse));
        Tables.Row(table, evaluation.ModelErrors.Rmse == best, $"{modelName} (this model)", Tables.Number(evaluation.ModelErrors.Rmse), Tables.Number(evaluation.ModelErrors.Mae));
        Tables.Row(table, evaluation.LastValueErrors.Rmse == best, "last value", Tables.Number(evaluation.LastValueErrors.Rmse), Tables.Number(evaluation.LastValueErrors.Mae));
        Tables.Row(table, evaluation.SeasonalNaiveErrors.Rmse == best, $"seasonal naive (season {problem.Season})", Tables.Number(evaluation.SeasonalNaiveErrors.Rmse), Tables.Number(evaluation.SeasonalNaiveErrors.Mae));
        context.Line();
        context.Console.Write(table);
        double gain = 1 - (evaluation.ModelErrors.Rmse / evaluation.SeasonalNaiveErrors.Rmse);
        context.Line(gain > 0
            ? string.Create(CultureInfo.InvariantCulture, $"The {modelName} beats the seasonal naive forecast: {gain * 100:0}% lower {partName} RMSE.")
            : string.Create(CultureInfo.InvariantCulture, $"The {modelName} does not beat the seasonal naive forecast: {-gain * 100:0}% higher {partName} RMSE."));
    }

    private static void DrawForecast(string path, ForecastProblem problem, ForecastEvaluation evaluation, string modelName, string partName)
    {
        int k = problem.TargetIndices.Length;
        int horizon = problem.Spec.Horizon;
        double[] x = [.. Enumerable.Range(0, problem.Rows).Select(problem.Axis.X)];
        double[] originsX = [.. evaluation.Origins.Select(problem.Axis.X)];
        var series = new List<Plots.Series>();

        // The first target column only: one picture stays readable.
        series.Add(new Plots.Series("actual", x, [.. Enumerable.Range(0, problem.Rows).Select(t => problem.Actual(t, 0))]));
        series.Add(new Plots.Series($"{modelName}, one step ahead", originsX, [.. evaluation.Origins.Select((_, n) => evaluation.Model[n * horizon * k])], Markers: true));
        series.Add(new Plots.Series($"seasonal naive ({problem.Season})", originsX, [.. evaluation.Origins.Select((_, n) => evaluation.SeasonalNaive[n * horizon * k])], Dashed: true));
        double? boundary = evaluation.Origins.Length > 0 ? problem.Axis.X(evaluation.Origins[0]) : null;
        string rmse = Tables.Number(evaluation.ModelErrors.Rmse);
        string naive = Tables.Number(evaluation.SeasonalNaiveErrors.Rmse);
        Plots.Forecast(path, $"{Path.GetFileName(problem.Spec.DataPath)}: {modelName} {partName} RMSE {rmse} vs seasonal naive {naive}",
            problem.Spec.Targets[0], problem.Axis.IsDate, series, boundary, $"{partName} part starts");
    }

    private static JsonObject Report(ForecastProblem problem, ModelSettings settings, RecurrentModel model, TrainingOutcome outcome, ForecastEvaluation evaluation, string partName)
    {
        ForecastSpec spec = problem.Spec;
        string prefix = partName == "test" ? "test" : partName;
        return new JsonObject
        {
            ["command"] = "train",
            ["task"] = ForecastMetadata.Task,
            ["data"] = Path.GetFullPath(spec.DataPath),
            ["value_columns"] = JsonReport.Strings(spec.Columns),
            ["target_columns"] = JsonReport.Strings(spec.Targets),
            ["rows"] = new JsonObject { ["train"] = problem.TrainEnd, ["validation"] = problem.ValidationEnd - problem.TrainEnd, ["test"] = problem.Rows - problem.ValidationEnd },
            ["lookback"] = spec.Lookback,
            ["horizon"] = spec.Horizon,
            ["season"] = problem.Season,
            ["transform"] = problem.Transform.Code(problem.Season),
            ["model"] = ModelJson(settings, model),
            ["training"] = TrainingJson(outcome),
            ["evaluated_on"] = partName,
            ["forecasts"] = evaluation.ModelErrors.Count,
            [$"{prefix}_rmse"] = JsonReport.Number(evaluation.ModelErrors.Rmse),
            [$"{prefix}_mae"] = JsonReport.Number(evaluation.ModelErrors.Mae),
            ["baselines"] = new JsonObject
            {
                ["last_value"] = JsonReport.Errors(evaluation.LastValueErrors.Rmse, evaluation.LastValueErrors.Mae),
                ["seasonal_naive"] = JsonReport.Errors(evaluation.SeasonalNaiveErrors.Rmse, evaluation.SeasonalNaiveErrors.Mae),
            },
            ["beats_seasonal_naive"] = evaluation.ModelErrors.Rmse < evaluation.SeasonalNaiveErrors.Rmse,
        };
    }

    public static JsonObject ModelJson(ModelSettings settings, RecurrentModel model) => new()
    {
        ["cell"] = ModelSettings.CellName(settings.Cell),
        ["layers"] = settings.Layers,
        ["hidden"] = settings.Hidden,
        ["bidirectional"] = settings.Bidirectional,
        ["parameters"] = model.ParameterCount,
        ["optimizer"] = settings.Optimizer,
        ["learning_rate"] = settings.LearningRate,
        ["seed"] = settings.Seed,
    };

    public static JsonObject TrainingJson(TrainingOutcome outcome) => new()
    {
        ["epochs_run"] = outcome.Result.History.Count,
        ["best_epoch"] = outcome.Result.BestEpoch + 1,
        ["stop_reason"] = outcome.StopCode,
        ["steps"] = outcome.Result.Steps,
        ["seconds"] = Math.Round(outcome.Duration.TotalSeconds, 3),
    };
}
