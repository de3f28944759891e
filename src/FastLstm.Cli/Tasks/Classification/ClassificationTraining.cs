using System.Globalization;
using System.Text.Json.Nodes;
using FastLstm.Cli.Reporting;
using FastLstm.Cli.Storage;
using FastLstm.Cli.Tasks.Forecasting;
using FastLstm.Training;
using Spectre.Console;
using TrainingSet = FastLstm.Training.SequenceDataset;

namespace FastLstm.Cli.Tasks.Classification;

/// <summary>
/// 'fastlstm train --task classify': a many-to-one classifier (texts through a character embedding, or long-format
/// feature sequences), early-stopped on validation accuracy, scored on the test cases with accuracy and a confusion
/// matrix against the majority-class baseline.
/// </summary>
internal static class ClassificationTraining
{
    public static int Run(CliContext context, ClassificationSpec spec, ModelSettings settings, string outputDirectory, string? reportPath, CancellationToken cancellationToken)
    {
        ClassificationData data = ClassificationData.Load(spec, settings.Seed);
        if (data.TrainIndices.Length == 0)
        {
            throw CliException.Usage($"{spec.DataPath} leaves no training cases with --split {spec.Split}.");
        }

        if (data.Labels.Count < 2)
        {
            throw CliException.Usage($"{spec.DataPath} has one label ('{data.Labels[0]}'): a classifier needs at least two.");
        }

        TrainingSet train = data.Subset(data.TrainIndices);
        TrainingSet? validation = data.ValidationIndices.Length > 0 ? data.Subset(data.ValidationIndices) : null;
        int k = data.Labels.Count;
        bool text = spec.Format == "text";
        RecurrentModel model = text
            ? new RecurrentModel(settings.Recurrent(spec.Embedding), k, HeadMode.LastStep, vocabularySize: data.Vocabulary!.Count, seed: settings.Seed)
            : new RecurrentModel(settings.Recurrent(data.InputSize), k, HeadMode.LastStep, seed: settings.Seed);
        string what = text ? $"texts of column '{spec.TextColumn}' (up to {data.SequenceLength} characters, {data.Vocabulary!.Count} symbols)" : $"sequences of {data.InputSize} features (up to {data.SequenceLength} steps)";
        context.Line($"classifying {what} of {ShippedData.Show(spec.DataPath)} by '{spec.LabelColumn}': {data.All.Count:N0} cases, {k} labels ({string.Join(", ", data.Labels)})");
        context.Line($"  cases: {data.TrainIndices.Length} train, {data.ValidationIndices.Length} validation, {data.TestIndices.Length} test{(spec.SplitColumn is null ? $" (seeded random split, seed {settings.Seed})" : $" (column '{spec.SplitColumn}')")}");
        context.Line(string.Create(CultureInfo.InvariantCulture,
            $"  model: {(text ? $"embedding {spec.Embedding}, " : "")}{settings.Describe()}, {model.ParameterCount:N0} parameters; {settings.Optimizer} lr {settings.LearningRate}, batch {settings.BatchSize}, up to {settings.Epochs} epochs, patience {settings.Patience}, clip {settings.Clip}, seed {settings.Seed}"));

        Metric monitor = validation is not null ? Metric.Accuracy : Metric.Loss;
        using var trainer = new Trainer(model, new SoftmaxCrossEntropy(), settings.CreateOptimizer(model), settings.Trainer(monitor, validation is not null));
        TrainingOutcome outcome = TrainingProgressView.Run(context, Metric.Accuracy, progress => trainer.Fit(train, validation, progress, cancellationToken));
        context.Line($"trained: {outcome.Describe()}.");

        int[] scoredIndices = data.TestIndices.Length > 0 ? data.TestIndices : data.ValidationIndices.Length > 0 ? data.ValidationIndices : data.TrainIndices;
        string partName = data.TestIndices.Length > 0 ? "test" : data.ValidationIndices.Length > 0 ? "validation" : "training";
        TrainingSet scored = data.Subset(scoredIndices);
        (int[] predicted, _) = Classifier.Predict(model, scored);
        int[,] confusion = Classifier.Confusion(k, scored.Targets, predicted);
        double accuracy = Classifier.Accuracy(confusion);
        (string majorityLabel, double majority) = Majority(data, scored);
        string modelName = ModelSettings.DisplayName(settings.Cell);
        PrintResults(context, data.Labels, confusion, accuracy, majority, majorityLabel, modelName, partName);

        string modelPath = Path.Combine(outputDirectory, ModelStore.FileName);
        string curvePicture = Path.Combine(outputDirectory, "training.png");
        string reportFile = Path.Combine(outputDirectory, "report.json");
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var statistics = new Dictionary<string, double[]>(StringComparer.Ordinal);
        ClassificationMetadata.Write(data, settings.Seed, metadata, statistics);
        settings.AddTo(metadata);
        metadata["created"] = context.Time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        metadata["test_accuracy"] = accuracy.ToString("R", CultureInfo.InvariantCulture);
        ModelStore.Save(modelPath, new SavedModel { Model = model, Metadata = metadata, Statistics = statistics, Vocabulary = data.Vocabulary?.Characters, History = outcome.Result.History });
        Plots.TrainingCurve(curvePicture, outcome.Result.History, $"{modelName} classifier on {Path.GetFileName(spec.DataPath)}: training curve", "cross-entropy");

        var report = new JsonObject
        {
            ["command"] = "train",
            ["task"] = ClassificationMetadata.Task,
            ["data"] = Path.GetFullPath(spec.DataPath),
            ["labels"] = JsonReport.Strings(data.Labels),
            ["cases"] = new JsonObject { ["train"] = data.TrainIndices.Length, ["validation"] = data.ValidationIndices.Length, ["test"] = data.TestIndices.Length },
            ["model"] = ForecastTraining.ModelJson(settings, model),
            ["training"] = ForecastTraining.TrainingJson(outcome),
            ["evaluated_on"] = partName,
            [$"{partName}_accuracy"] = JsonReport.Number(accuracy),
            ["confusion_matrix"] = ConfusionJson(confusion),
            ["baselines"] = new JsonObject { ["majority_class"] = new JsonObject { ["label"] = majorityLabel, ["accuracy"] = JsonReport.Number(majority) } },
            ["output_directory"] = Path.GetFullPath(outputDirectory),
            ["model_path"] = Path.GetFullPath(modelPath),
            ["pictures"] = new JsonObject { ["training_curve"] = Path.GetFullPath(curvePicture) },
            ["report_path"] = Path.GetFullPath(reportFile),
        };
        JsonReport.Write(report, reportFile, reportPath);
        RunFolder.PrintSaved(context, outputDirectory, modelPath, reportFile, reportPath, curvePicture);
        return outcome.Cancelled ? ExitCodes.Cancelled : ExitCodes.Success;
    }

    /// <summary>The most frequent training label, and the accuracy of always predicting it on <paramref name="scored"/>.</summary>
    public static (string Label, double Accuracy) Majority(ClassificationData data, TrainingSet scored)
    {
        var counts = new int[data.Labels.Count];
        foreach (int i in data.TrainIndices)
        {
            counts[(int)data.All.Targets[i]]++;
        }

        int label = Array.IndexOf(counts, counts.Max());
        int hits = 0;
        foreach (float target in scored.Targets)
        {
            hits += (int)target == label ? 1 : 0;
        }

        return (data.Labels[label], (double)hits / scored.Count);
    }

    public static void PrintResults(CliContext context, IReadOnlyList<string> labels, int[,] confusion, double accuracy, double majority, string majorityLabel, string modelName, string partName)
    {
        int cases = 0;
        foreach (int count in confusion)
        {
            cases += count;
        }

        Table scores = Tables.Create($"{partName} part: {cases} cases", "classifier", "accuracy");
        Tables.Row(scores, accuracy > majority, $"{modelName} (this model)", Tables.Percent(accuracy));
        Tables.Row(scores, majority >= accuracy, $"majority class ('{majorityLabel}')", Tables.Percent(majority));
        context.Line();
        context.Console.Write(scores);

        Table matrix = Tables.Create("confusion matrix (rows: actual, columns: predicted)", ["actual \\ predicted", .. labels]);
        for (int a = 0; a < labels.Count; a++)
        {
            matrix.AddRow([Markup.Escape(labels[a]), .. Enumerable.Range(0, labels.Count).Select(p => a == p ? $"[bold]{confusion[a, p]}[/]" : confusion[a, p].ToString(CultureInfo.InvariantCulture))]);
        }

        context.Console.Write(matrix);
    }

    public static JsonArray ConfusionJson(int[,] confusion)
    {
        var rows = new JsonArray();
        for (int a = 0; a < confusion.GetLength(0); a++)
        {
            rows.Add(new JsonArray([.. Enumerable.Range(0, confusion.GetLength(1)).Select(p => (JsonNode?)JsonValue.Create(confusion[a, p]))]));
        }

        return rows;
    }
}
