using System.Globalization;
using System.Text.Json.Nodes;
using FastLstm.Cli.Reporting;
using FastLstm.Cli.Storage;
using FastLstm.Cli.Tasks.Forecasting;
using FastLstm.Training;
using Spectre.Console;

namespace FastLstm.Cli.Tasks.LanguageModel;

/// <summary>
/// 'fastlstm train --task language-model': a character model (embedding, recurrent stack, softmax over characters)
/// trained with truncated BPTT on the start of a text, early-stopped on the middle, and scored on the held-out tail
/// in nats and bits per character against the unigram baseline; prints a sample of what it writes.
/// </summary>
internal static class LanguageModelTraining
{
    public const string Task = "language-model";

    public static int Run(CliContext context, LanguageModelSpec spec, ModelSettings settings, string outputDirectory, string? reportPath, CancellationToken cancellationToken)
    {
        CharacterCorpus corpus = CharacterCorpus.Load(spec.DataPath, spec.MaxChars, spec.Split);
        StreamDataset train = corpus.Stream(corpus.Parts.Train)!;
        StreamDataset? validation = corpus.Stream(corpus.Parts.Validation);
        StreamDataset? test = corpus.Stream(corpus.Parts.Test);
        if (train.Steps < settings.BatchSize)
        {
            throw CliException.Usage($"the training text has {train.Steps + 1} characters: fewer than --batch-size {settings.BatchSize} parallel streams need.");
        }

        int v = corpus.Vocabulary.Count;
        var model = new RecurrentModel(settings.Recurrent(spec.Embedding), v, HeadMode.EveryStep, vocabularySize: v, seed: settings.Seed);
        context.Line($"language model on {ShippedData.Show(spec.DataPath)}: {corpus.Parts.Train.Length:N0} training, {corpus.Parts.Validation.Length:N0} validation, {corpus.Parts.Test.Length:N0} held-out test characters; {v} symbols");
        context.Line(string.Create(CultureInfo.InvariantCulture,
            $"  model: embedding {spec.Embedding}, {settings.Describe()}, {model.ParameterCount:N0} parameters; {settings.Optimizer} lr {settings.LearningRate}, {settings.BatchSize} streams × {spec.SequenceLength} steps, up to {settings.Epochs} epochs, clip {settings.Clip}, seed {settings.Seed}"));

        TrainerOptions options = settings.Trainer(Metric.BitsPerCharacter, validation is not null) with { BpttLength = spec.SequenceLength, Monitor = validation is not null ? Metric.BitsPerCharacter : Metric.Loss };
        using var trainer = new Trainer(model, new SoftmaxCrossEntropy(), settings.CreateOptimizer(model), options);
        TrainingOutcome outcome = TrainingProgressView.Run(context, Metric.BitsPerCharacter, progress => trainer.FitStream(train, validation, progress, cancellationToken));
        context.Line($"trained: {outcome.Describe()}.");

        StreamDataset scored = test ?? validation ?? train;
        string partName = test is not null ? "test" : validation is not null ? "validation" : "training";
        string scoredText = test is not null ? corpus.Parts.Test : validation is not null ? corpus.Parts.Validation : corpus.Parts.Train;
        MetricValues metrics = trainer.EvaluateStream(scored);
        double unigram = corpus.UnigramCrossEntropy(scoredText);
        string modelName = ModelSettings.DisplayName(settings.Cell);
        Table table = Tables.Create($"held-out {partName} text: {scored.Steps:N0} characters", "model", "loss (nats/char)", "bits/char", "perplexity");
        Tables.Row(table, metrics.Loss < unigram, $"{modelName} (this model)", Tables.Number(metrics.Loss), Tables.Number(metrics.BitsPerCharacter), Tables.Number(metrics.Perplexity));
        Tables.Row(table, unigram <= metrics.Loss, "unigram (character frequencies)", Tables.Number(unigram), Tables.Number(unigram / Math.Log(2)), Tables.Number(Math.Exp(unigram)));
        context.Line();
        context.Console.Write(table);

        string prompt = SamplePrompt(scoredText);
        string sample = Sample(model, corpus.Vocabulary, prompt, 200, 0.8f, settings.Seed);
        context.Line();
        context.Line($"sample (temperature 0.8, seed {settings.Seed}), continuing the start of the {partName} text:");
        context.Line("  " + (prompt + sample).Replace("\n", "\n  ", StringComparison.Ordinal));

        string modelPath = Path.Combine(outputDirectory, ModelStore.FileName);
        string curvePicture = Path.Combine(outputDirectory, "training.png");
        string reportFile = Path.Combine(outputDirectory, "report.json");
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["task"] = Task,
            ["data"] = spec.DataPath,
            ["seq_len"] = spec.SequenceLength.ToString(CultureInfo.InvariantCulture),
            ["embedding"] = spec.Embedding.ToString(CultureInfo.InvariantCulture),
            ["split"] = string.Create(CultureInfo.InvariantCulture, $"{spec.Split.Train},{spec.Split.Validation},{spec.Split.Test}"),
            ["created"] = context.Time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
            ["test_bits_per_character"] = metrics.BitsPerCharacter.ToString("R", CultureInfo.InvariantCulture),
        };
        if (spec.MaxChars is int max)
        {
            metadata["max_chars"] = max.ToString(CultureInfo.InvariantCulture);
        }

        settings.AddTo(metadata);
        ModelStore.Save(modelPath, new SavedModel { Model = model, Metadata = metadata, Vocabulary = corpus.Vocabulary.Characters, History = outcome.Result.History });
        Plots.TrainingCurve(curvePicture, outcome.Result.History, $"{modelName} language model on {Path.GetFileName(spec.DataPath)}: training curve", "cross-entropy (nats/char)");

        var report = new JsonObject
        {
            ["command"] = "train",
            ["task"] = Task,
            ["data"] = Path.GetFullPath(spec.DataPath),
            ["characters"] = new JsonObject { ["train"] = corpus.Parts.Train.Length, ["validation"] = corpus.Parts.Validation.Length, ["test"] = corpus.Parts.Test.Length },
            ["vocabulary_size"] = v,
            ["model"] = ForecastTraining.ModelJson(settings, model),
            ["training"] = ForecastTraining.TrainingJson(outcome),
            ["evaluated_on"] = partName,
            [$"{partName}_loss_nats"] = JsonReport.Number(metrics.Loss),
            [$"{partName}_bits_per_character"] = JsonReport.Number(metrics.BitsPerCharacter),
            [$"{partName}_perplexity"] = JsonReport.Number(metrics.Perplexity),
            ["baselines"] = new JsonObject
            {
                ["unigram"] = new JsonObject { ["loss_nats"] = JsonReport.Number(unigram), ["bits_per_character"] = JsonReport.Number(unigram / Math.Log(2)) },
            },
            ["sample"] = sample,
            ["output_directory"] = Path.GetFullPath(outputDirectory),
            ["model_path"] = Path.GetFullPath(modelPath),
            ["pictures"] = new JsonObject { ["training_curve"] = Path.GetFullPath(curvePicture) },
            ["report_path"] = Path.GetFullPath(reportFile),
        };
        JsonReport.Write(report, reportFile, reportPath);
        RunFolder.PrintSaved(context, outputDirectory, modelPath, reportFile, reportPath, curvePicture);
        return outcome.Cancelled ? ExitCodes.Cancelled : ExitCodes.Success;
    }

    /// <summary>The start of the scored text up to a word boundary, at most 40 characters: a prompt from unseen text.</summary>
    private static string SamplePrompt(string text)
    {
        string start = text.Length > 40 ? text[..40] : text;
        int space = start.LastIndexOf(' ');
        return space > 10 ? start[..(space + 1)] : start.Length > 0 ? start : "\n";
    }

    /// <summary>Continues <paramref name="prompt"/> by <paramref name="length"/> sampled characters.</summary>
    public static string Sample(RecurrentModel model, FastLstm.Data.CharVocabulary vocabulary, string prompt, int length, float temperature, int seed)
    {
        int[] prime = vocabulary.Encode(prompt.Length > 0 ? prompt : "\n");
        var generated = new int[length];
        SequenceGenerator.SampleTokens(model, prime, generated, temperature, seed);
        return vocabulary.Decode(generated);
    }
}
