using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using FastLstm.Cli.Reporting;
using FastLstm.Cli.Storage;
using FastLstm.Cli.Tasks;
using FastLstm.Cli.Tasks.Classification;
using FastLstm.Cli.Tasks.Forecasting;
using FastLstm.Cli.Tasks.LanguageModel;
using FastLstm.Training;
using Spectre.Console;
using static FastLstm.Cli.Commands.CommonOptions;

namespace FastLstm.Cli.Commands;

/// <summary>'fastlstm evaluate MODEL': scores a saved model on the test part of its data (or of --data), with the baselines.</summary>
internal sealed class EvaluateCommand
{
    private readonly Argument<string> _model = ModelArgument.Create();
    private readonly Option<string?> _data = Make<string?>("--data", "Data to evaluate on, read as in training (default: the training file)", "-d");
    private readonly Option<string?> _report = Make<string?>("--report", "Write the results as JSON to this path");

    public Command Build(CliContext context)
    {
        var command = new Command("evaluate", "Score a trained model on the test part of its data (or of another file in the same format), next to the baselines.")
        {
            _model, _data, _report,
        };
        command.SetAction(result => Run(context, result));
        return command;
    }

    private int Run(CliContext context, ParseResult result)
    {
        SavedModel saved = ModelArgument.Load(result.GetValue(_model)!, out string file);
        string? data = result.GetValue(_data);
        string task = ModelArgument.Task(saved, "evaluate");
        JsonObject report = task switch
        {
            ForecastMetadata.Task => Forecast(context, saved, data),
            LanguageModelTraining.Task => LanguageModel(context, saved, data),
            ClassificationMetadata.Task => Classify(context, saved, data),
            _ => throw new InvalidDataException($"the model file names an unknown task '{task}'."),
        };
        report["command"] = "evaluate";
        report["task"] = task;
        report["model_path"] = Path.GetFullPath(file);
        if (result.GetValue(_report) is { } path)
        {
            JsonReport.Write(report, path);
            context.Line($"report: {RunFolder.Show(path)}");
        }

        return ExitCodes.Success;
    }

    private static JsonObject Forecast(CliContext context, SavedModel saved, string? data)
    {
        ForecastProblem problem = ForecastMetadata.Load(saved, data);
        int[] origins = problem.TestOrigins();
        string part = "test";
        if (origins.Length == 0)
        {
            throw CliException.Usage($"{problem.Spec.DataPath} has no test windows for this model (lookback {problem.Spec.Lookback}, horizon {problem.Spec.Horizon}).");
        }

        ForecastEvaluation evaluation = ForecastEvaluation.Run(saved.Model, problem, origins);
        context.Line($"evaluating on {ShippedData.Show(problem.Spec.DataPath)}");
        ForecastTraining.PrintTable(context, problem, evaluation, ModelSettings.DisplayName(saved.Model.Recurrent.Options.Cell), part);
        return new JsonObject
        {
            ["data"] = Path.GetFullPath(problem.Spec.DataPath),
            ["forecasts"] = evaluation.ModelErrors.Count,
            ["test_rmse"] = JsonReport.Number(evaluation.ModelErrors.Rmse),
            ["test_mae"] = JsonReport.Number(evaluation.ModelErrors.Mae),
            ["baselines"] = new JsonObject
            {
                ["last_value"] = JsonReport.Errors(evaluation.LastValueErrors.Rmse, evaluation.LastValueErrors.Mae),
                ["seasonal_naive"] = JsonReport.Errors(evaluation.SeasonalNaiveErrors.Rmse, evaluation.SeasonalNaiveErrors.Mae),
            },
        };
    }

    private static JsonObject LanguageModel(CliContext context, SavedModel saved, string? data)
    {
        string path = data ?? saved.Require("data");
        double[] split = [.. saved.Require("split").Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture))];
        int? maxChars = saved.Get("max_chars") is { } max ? int.Parse(max, CultureInfo.InvariantCulture) : null;
        var vocabulary = FastLstm.Data.CharVocabulary.FromCharacters(saved.Vocabulary ?? throw new InvalidDataException("the language model's file has no vocabulary."));
        CharacterCorpus corpus = CharacterCorpus.Load(path, maxChars, new FastLstm.Data.SplitFractions(split[0], split[1], split[2]), vocabulary);
        StreamDataset test = corpus.Stream(corpus.Parts.Test) ?? throw CliException.Usage($"{path} has no held-out test text under the model's split.");
        using var trainer = new Trainer(saved.Model, new SoftmaxCrossEntropy(), new Adam(saved.Model.Parameters), new TrainerOptions { BpttLength = saved.RequireInt("seq_len"), BatchSize = 32 });
        MetricValues metrics = trainer.EvaluateStream(test);
        double unigram = corpus.UnigramCrossEntropy(corpus.Parts.Test);
        Table table = Tables.Create($"held-out test text of {Path.GetFileName(path)}: {test.Steps:N0} characters", "model", "loss (nats/char)", "bits/char");
        Tables.Row(table, metrics.Loss < unigram, "this model", Tables.Number(metrics.Loss), Tables.Number(metrics.BitsPerCharacter));
        Tables.Row(table, unigram <= metrics.Loss, "unigram (character frequencies)", Tables.Number(unigram), Tables.Number(unigram / Math.Log(2)));
        context.Console.Write(table);
        return new JsonObject
        {
            ["data"] = Path.GetFullPath(path),
            ["test_loss_nats"] = JsonReport.Number(metrics.Loss),
            ["test_bits_per_character"] = JsonReport.Number(metrics.BitsPerCharacter),
            ["baselines"] = new JsonObject { ["unigram"] = new JsonObject { ["loss_nats"] = JsonReport.Number(unigram), ["bits_per_character"] = JsonReport.Number(unigram / Math.Log(2)) } },
        };
    }

    private static JsonObject Classify(CliContext context, SavedModel saved, string? data)
    {
        ClassificationData prepared = ClassificationMetadata.Load(saved, data);
        int[] indices = prepared.TestIndices.Length > 0 ? prepared.TestIndices : throw CliException.Usage($"{prepared.Spec.DataPath} has no test cases under the model's split.");
        FastLstm.Training.SequenceDataset test = prepared.Subset(indices);
        (int[] predicted, _) = Classifier.Predict(saved.Model, test);
        int[,] confusion = Classifier.Confusion(prepared.Labels.Count, test.Targets, predicted);
        double accuracy = Classifier.Accuracy(confusion);
        (string label, double majority) = ClassificationTraining.Majority(prepared, test);
        ClassificationTraining.PrintResults(context, prepared.Labels, confusion, accuracy, majority, label, ModelSettings.DisplayName(saved.Model.Recurrent.Options.Cell), "test");
        return new JsonObject
        {
            ["data"] = Path.GetFullPath(prepared.Spec.DataPath),
            ["test_accuracy"] = JsonReport.Number(accuracy),
            ["confusion_matrix"] = ClassificationTraining.ConfusionJson(confusion),
            ["baselines"] = new JsonObject { ["majority_class"] = new JsonObject { ["label"] = label, ["accuracy"] = JsonReport.Number(majority) } },
        };
    }
}
