using System.Text.Json;

namespace FastLstm.Cli.Tests.Commands;

/// <summary>evaluate, forecast, generate, classify and inspect on models the train command saved.</summary>
public sealed class ModelCommandTests(TrainedModels models) : IClassFixture<TrainedModels>
{
    [Fact]
    public void Evaluate_Forecaster_PrintsTheTableAndWritesTheReport()
    {
        using var temp = new TempDirectory();
        Cli.Result result = Cli.Run("evaluate", models.Forecaster, "--report", temp.File("eval.json"));
        result.AssertSuccess();
        Assert.Contains("seasonal naive", result.Out);
        JsonElement json = Cli.ReadJson(temp.File("eval.json"));
        Assert.True(json.GetProperty("test_rmse").GetDouble() > 0);
        Assert.True(json.GetProperty("baselines").GetProperty("seasonal_naive").GetProperty("rmse").GetDouble() > 0);
    }

    [Fact]
    public void Evaluate_RunFolder_FindsItsModel()
    {
        Cli.Run("evaluate", Path.GetDirectoryName(models.Forecaster)!).AssertSuccess();
    }

    [Fact]
    public void Forecast_Future_WritesCsvWithFutureLabelsAndPicture()
    {
        using var temp = new TempDirectory();
        Cli.Result result = Cli.Run("forecast", models.Forecaster, "--steps", "14", "--output", temp.Path);
        result.AssertSuccess();
        string[] lines = File.ReadAllLines(temp.File("forecast.csv"));
        Assert.Equal("month,passengers_thousands,actual_passengers_thousands", lines[0]);
        Assert.Equal(15, lines.Length);
        Assert.StartsWith("1961-01,", lines[1]);
        Assert.StartsWith("1962-02,", lines[14]);
        Assert.EndsWith(",", lines[1]);
        Assert.True(new FileInfo(temp.File("forecast.png")).Length > 10_000);
    }

    [Fact]
    public void Forecast_WithHoldout_ShowsActualValues()
    {
        using var temp = new TempDirectory();
        Cli.Result result = Cli.Run("forecast", models.Forecaster, "--holdout", "12", "--output", temp.Path);
        result.AssertSuccess();
        string[] lines = File.ReadAllLines(temp.File("forecast.csv"));
        Assert.StartsWith("1960-01,", lines[1]);
        Assert.EndsWith(",417", lines[1]);
        Assert.Contains("actual", result.Out);
    }

    [Fact]
    public void Evaluate_LanguageModel_ReportsBitsPerCharacter()
    {
        using var temp = new TempDirectory();
        Cli.Result result = Cli.Run("evaluate", models.LanguageModel, "--report", temp.File("lm.json"));
        result.AssertSuccess();
        Assert.Contains("bits/char", result.Out);
        Assert.True(Cli.ReadJson(temp.File("lm.json")).GetProperty("test_bits_per_character").GetDouble() > 0);
    }

    [Fact]
    public void Generate_SameSeed_SameText_AndStartsWithThePrompt()
    {
        Cli.Result first = Cli.Run("generate", models.LanguageModel, "--prompt", "the cat", "--length", "60", "--seed", "5");
        Cli.Result second = Cli.Run("generate", models.LanguageModel, "--prompt", "the cat", "--length", "60", "--seed", "5");
        first.AssertSuccess();
        Assert.StartsWith("the cat", first.Out);
        Assert.Equal(first.Out, second.Out);
        Assert.Equal("the cat".Length + 60, first.Out.TrimEnd('\n').Length);
    }

    [Fact]
    public void Classify_Texts_And_File_WithAccuracy()
    {
        using var temp = new TempDirectory();
        Cli.Result texts = Cli.Run("classify", models.Classifier, "--text", "aeiouaa", "--text", "xzqwxyz");
        texts.AssertSuccess();
        Assert.Contains("aeiouaa", texts.Out);

        Cli.Result file = Cli.Run("classify", models.Classifier, "--data", models.LabelledFile, "--out", temp.File("p.csv"));
        file.AssertSuccess();
        Assert.Contains("accuracy on all 160 cases", file.Out);
        Assert.Equal(161, File.ReadAllLines(temp.File("p.csv")).Length);
    }

    [Fact]
    public void Evaluate_Classifiers_PrintAccuracyAndConfusionMatrix()
    {
        foreach (string model in new[] { models.Classifier, models.LongClassifier })
        {
            Cli.Result result = Cli.Run("evaluate", model);
            result.AssertSuccess();
            Assert.Contains("confusion matrix", result.Out);
            Assert.Contains("majority class", result.Out);
        }
    }

    [Fact]
    public void TrainClassify_ReportHasAccuracyAndConfusionMatrix()
    {
        JsonElement json = Cli.ReadJson(Path.Combine(Path.GetDirectoryName(models.Classifier)!, "report.json"));
        Assert.InRange(json.GetProperty("test_accuracy").GetDouble(), 0, 1);
        Assert.Equal(2, json.GetProperty("confusion_matrix").GetArrayLength());
        Assert.True(json.GetProperty("baselines").GetProperty("majority_class").GetProperty("accuracy").GetDouble() > 0);
    }

    [Fact]
    public void TrainLanguageModel_ReportHasNatsAndBitsAgainstUnigram()
    {
        JsonElement json = Cli.ReadJson(Path.Combine(Path.GetDirectoryName(models.LanguageModel)!, "report.json"));
        double nats = json.GetProperty("test_loss_nats").GetDouble();
        Assert.Equal(nats / Math.Log(2), json.GetProperty("test_bits_per_character").GetDouble(), 6);
        Assert.True(json.GetProperty("baselines").GetProperty("unigram").GetProperty("bits_per_character").GetDouble() > 0);
    }

    [Fact]
    public void Inspect_ShowsArchitectureParametersStatisticsAndHistory()
    {
        Cli.Result result = Cli.Run("inspect", models.Forecaster);
        result.AssertSuccess();
        Assert.Contains("rnn.weight_ih_l0", result.Out);
        Assert.Contains("[32, 1]", result.Out);
        Assert.Contains("head.weight", result.Out);
        Assert.Contains("scaler.offsets", result.Out);
        Assert.Contains("training history", result.Out);
        Assert.Contains("lookback", result.Out);

        Cli.Result lm = Cli.Run("inspect", models.LanguageModel);
        lm.AssertSuccess();
        Assert.Contains("embedding.weight", lm.Out);
        Assert.Contains("vocabulary", lm.Out);
    }

    [Fact]
    public void Commands_OnAModelOfAnotherTask_ExitWithUsageError()
    {
        Cli.Run("generate", models.Forecaster).AssertOneLineError(ExitCodes.Usage, "language-model");
        Cli.Run("forecast", models.Classifier).AssertOneLineError(ExitCodes.Usage, "forecast");
        Cli.Run("classify", models.LanguageModel, "--text", "x").AssertOneLineError(ExitCodes.Usage, "classify");
    }

    [Fact]
    public void Inspect_DamagedOrForeignFiles_ExitWithOneLineReason()
    {
        using var temp = new TempDirectory();
        byte[] good = File.ReadAllBytes(models.Forecaster);

        string truncated = temp.File("truncated.fastlstm");
        File.WriteAllBytes(truncated, good[..(good.Length / 2)]);
        string flipped = temp.File("flipped.fastlstm");
        byte[] copy = (byte[])good.Clone();
        copy[copy.Length / 2] ^= 0x40;
        File.WriteAllBytes(flipped, copy);
        string foreign = temp.Write("foreign.fastlstm", "month,passengers\n1949-01,112\n");
        string empty = temp.Write("empty.fastlstm", "");
        string header = temp.File("header-only.fastlstm");
        File.WriteAllBytes(header, good[..12]);

        foreach (string path in new[] { truncated, flipped, foreign, empty, header })
        {
            foreach (string command in new[] { "inspect", "evaluate" })
            {
                Cli.Run(command, path).AssertOneLineError(ExitCodes.BadFile, Path.GetFileName(path).Split('.')[0] == "foreign" ? "" : "");
            }
        }

        Cli.Run("inspect", temp.File("missing.fastlstm")).AssertOneLineError(ExitCodes.BadFile, "missing.fastlstm");
        Cli.Run("inspect", temp.Path).AssertOneLineError(ExitCodes.BadFile, "directory");
    }

    [Fact]
    public void Inspect_DamagedFileWithVerbose_ShowsTheStackTrace()
    {
        using var temp = new TempDirectory();
        string foreign = temp.Write("foreign.fastlstm", "not a model");
        Cli.Result result = Cli.Run("inspect", foreign, "--verbose");
        Assert.Equal(ExitCodes.BadFile, result.ExitCode);
        Assert.Contains("   at ", result.Error);
    }
}
