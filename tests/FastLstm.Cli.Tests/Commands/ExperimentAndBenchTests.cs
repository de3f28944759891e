namespace FastLstm.Cli.Tests.Commands;

/// <summary>experiment and bench, with tiny budgets.</summary>
public sealed class ExperimentAndBenchTests
{
    [Theory]
    [InlineData("adding", "10")]
    [InlineData("copy", "5")]
    [InlineData("memory", "20")]
    [InlineData("gradients", "10")]
    public void Experiment_WritesTheResultsCsv(string name, string length)
    {
        using var temp = new TempDirectory();
        string csv = temp.File("results.csv");
        Cli.Result result = Cli.Run("experiment", name, "--lengths", length, "--models", "rnn,lstm", "--steps", "4", "--hidden", "8", "--batch-size", "10", "--seed", "3", "--out", csv);
        result.AssertSuccess();
        string[] lines = File.ReadAllLines(csv);
        Assert.Equal("model,T,test_metric,baseline_metric", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith($"RNN,{length},", lines[1]);
        Assert.StartsWith($"LSTM,{length},", lines[2]);
        if (name == "adding")
        {
            Assert.EndsWith("," + (1.0 / 6.0).ToString("R", System.Globalization.CultureInfo.InvariantCulture), lines[1]);
        }

        Assert.Contains("beats baseline", result.Out);
    }

    [Fact]
    public void Bench_RunsAShortSpeedCheck()
    {
        Cli.Result result = Cli.Run("bench", "--seconds", "0.01", "--hidden", "8");
        result.AssertSuccess();
        Assert.Contains("GFLOP/s", result.Out);
        Assert.Contains("forward + backward", result.Out);
    }
}
