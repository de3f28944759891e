using System.Text.Json;

namespace FastLstm.Cli.Tests.Commands;

/// <summary>The main job: 'fastlstm train' with no arguments trains an LSTM on air passengers and beats the seasonal naive forecast.</summary>
public sealed class TrainForecastTests
{
    [Fact]
    public void TrainWithDefaults_BeatsSeasonalNaiveOnAirPassengers_AndSavesEverything()
    {
        using var temp = new TempDirectory();
        string output = temp.File("run");
        string report = temp.File("ci/report.json");

        Cli.Result result = Cli.Run("train", "--output", output, "--report", report);

        result.AssertSuccess();
        JsonElement json = Cli.ReadJson(report);
        double rmse = json.GetProperty("test_rmse").GetDouble();
        double mae = json.GetProperty("test_mae").GetDouble();
        double naiveRmse = json.GetProperty("baselines").GetProperty("seasonal_naive").GetProperty("rmse").GetDouble();
        double lastRmse = json.GetProperty("baselines").GetProperty("last_value").GetProperty("rmse").GetDouble();
        Assert.True(rmse < naiveRmse, $"LSTM test RMSE {rmse} should beat seasonal naive {naiveRmse}");
        Assert.True(rmse < lastRmse, $"LSTM test RMSE {rmse} should beat the last value {lastRmse}");
        Assert.True(mae > 0 && mae <= rmse);
        Assert.True(json.GetProperty("baselines").GetProperty("last_value").GetProperty("mae").GetDouble() > 0);
        Assert.True(json.GetProperty("baselines").GetProperty("seasonal_naive").GetProperty("mae").GetDouble() > 0);
        Assert.True(json.GetProperty("beats_seasonal_naive").GetBoolean());

        // Everything in the output folder, and report.json names where.
        Assert.True(File.Exists(Path.Combine(output, "model.fastlstm")));
        Assert.True(File.Exists(Path.Combine(output, "report.json")));
        Assert.Equal(File.ReadAllText(report), File.ReadAllText(Path.Combine(output, "report.json")));
        Assert.Equal(Path.GetFullPath(Path.Combine(output, "model.fastlstm")), json.GetProperty("model_path").GetString());
        foreach (string picture in new[] { "forecast", "training_curve" })
        {
            string path = json.GetProperty("pictures").GetProperty(picture).GetString()!;
            Assert.True(new FileInfo(path).Length > 10_000, $"{picture} picture {path} should be a real PNG");
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(path)[..4]);
        }

        // What was printed: the RMSE table with both baselines and where things were saved.
        Assert.Contains("seasonal naive (season 12)", result.Out);
        Assert.Contains("last value", result.Out);
        Assert.Contains("LSTM (this model)", result.Out);
        Assert.Contains("beats the seasonal naive forecast", result.Out);
        Assert.Contains("model.fastlstm", result.Out);
        Assert.Contains("forecast.png", result.Out);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public void Train_SameSeed_GivesTheSameReportNumbers()
    {
        using var temp = new TempDirectory();
        string[] args = ["train", "--epochs", "5", "--hidden", "8", "--cell", "gru"];
        Cli.Run([.. args, "--output", temp.File("a")]).AssertSuccess();
        Cli.Run([.. args, "--output", temp.File("b")]).AssertSuccess();
        double a = Cli.ReadJson(temp.File("a/report.json")).GetProperty("test_rmse").GetDouble();
        double b = Cli.ReadJson(temp.File("b/report.json")).GetProperty("test_rmse").GetDouble();
        Assert.Equal(a, b);
    }

    [Fact]
    public void Train_AnyCsvColumnsAndOptions_RunsAndReports()
    {
        using var temp = new TempDirectory();
        string data = Path.Combine(AppContext.BaseDirectory, "datasets", "air_passengers.csv");
        Cli.Result result = Cli.Run("train", "--data", data, "--columns", "passengers_thousands", "--cell", "rnn", "--layers", "2",
            "--hidden", "8", "--bidirectional", "--lookback", "12", "--horizon", "3", "--optimizer", "rmsprop", "--lr", "0.002",
            "--epochs", "3", "--clip", "0.5", "--seed", "7", "--transform", "log-diff", "--output", temp.File("run"));
        result.AssertSuccess();
        JsonElement json = Cli.ReadJson(temp.File("run/report.json"));
        Assert.Equal(3, json.GetProperty("horizon").GetInt32());
        Assert.Equal("log-diff", json.GetProperty("transform").GetString());
        Assert.Equal("rnn", json.GetProperty("model").GetProperty("cell").GetString());
        Assert.True(json.GetProperty("model").GetProperty("bidirectional").GetBoolean());
        Assert.True(double.IsFinite(json.GetProperty("test_rmse").GetDouble()));
    }

    [Fact]
    public void Train_CancelledBeforeTheFirstBatchEnds_StopsCleanlyAndStillSavesTheModel()
    {
        using var temp = new TempDirectory();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Cli.Result result = Cli.Run(cancelled.Token, "train", "--output", temp.File("run"));
        Assert.Equal(ExitCodes.Cancelled, result.ExitCode);
        Assert.Contains("stopped by Ctrl-C", result.Out);
        Assert.True(File.Exists(temp.File("run/model.fastlstm")));
        Assert.Equal("cancelled", Cli.ReadJson(temp.File("run/report.json")).GetProperty("training").GetProperty("stop_reason").GetString());
    }

    [Fact]
    public void Train_MultivariateCsv_ForecastsTheTargetFromSeveralColumns()
    {
        using var temp = new TempDirectory();
        var csv = new System.Text.StringBuilder("t,sales,lead\n");
        for (int t = 0; t < 120; t++)
        {
            csv.Append($"{t + 1},{100 + t + (10 * Math.Sin(t / 3.0)):0.###},{Math.Cos(t / 5.0):0.###}\n");
        }

        string data = temp.Write("multi.csv", csv.ToString());
        Cli.Result result = Cli.Run("train", "--data", data, "--target", "sales", "--lookback", "8", "--epochs", "4", "--hidden", "8", "--output", temp.File("run"));
        result.AssertSuccess();
        JsonElement json = Cli.ReadJson(temp.File("run/report.json"));
        Assert.Equal(2, json.GetProperty("value_columns").GetArrayLength());
        Assert.Equal("sales", json.GetProperty("target_columns")[0].GetString());
        Assert.Equal(1, json.GetProperty("season").GetInt32());
    }
}
