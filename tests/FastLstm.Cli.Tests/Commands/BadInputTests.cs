namespace FastLstm.Cli.Tests.Commands;

/// <summary>Every bad-input path exits non-zero with one line on stderr: 2 for arguments, 3 for files, 1 for failed training.</summary>
public sealed class BadInputTests
{
    [Theory]
    [InlineData("exit 2: no command", new string[0], "command")]
    [InlineData("unknown command", new[] { "fly" }, "fly")]
    [InlineData("unknown option", new[] { "train", "--wings", "2" }, "--wings")]
    [InlineData("bad cell", new[] { "train", "--cell", "transformer" }, "transformer")]
    [InlineData("bad task", new[] { "train", "--task", "translate" }, "translate")]
    [InlineData("not a number", new[] { "train", "--epochs", "many" }, "many")]
    [InlineData("zero lookback", new[] { "train", "--lookback", "0" }, "--lookback")]
    [InlineData("negative epochs", new[] { "train", "--epochs", "-3" }, "--epochs")]
    [InlineData("nan learning rate", new[] { "train", "--lr", "NaN" }, "--lr")]
    [InlineData("dropout of one", new[] { "train", "--dropout", "1" }, "--dropout")]
    [InlineData("split of two parts", new[] { "train", "--split", "0.5,0.5" }, "--split")]
    [InlineData("split not summing to one", new[] { "train", "--split", "0.5,0.2,0.2" }, "--split")]
    [InlineData("option of another task", new[] { "train", "--task", "language-model", "--lookback", "12" }, "--lookback")]
    [InlineData("bidirectional language model", new[] { "train", "--task", "language-model", "--bidirectional" }, "--bidirectional")]
    [InlineData("unknown column", new[] { "train", "--columns", "seats" }, "seats")]
    [InlineData("unknown target", new[] { "train", "--target", "seats" }, "seats")]
    [InlineData("unknown transform", new[] { "train", "--transform", "fourier" }, "fourier")]
    [InlineData("series too short", new[] { "train", "--lookback", "120" }, "too few")]
    [InlineData("unknown experiment", new[] { "experiment", "juggling" }, "juggling")]
    [InlineData("bad lengths", new[] { "experiment", "adding", "--lengths", "ten" }, "--lengths")]
    [InlineData("bad models", new[] { "experiment", "adding", "--models", "cnn" }, "cnn")]
    [InlineData("bench budget", new[] { "bench", "--seconds", "0" }, "--seconds")]
    [InlineData("missing model argument", new[] { "inspect" }, "model")]
    public void BadArguments_ExitWithUsageError(string name, string[] args, string mentioned)
    {
        Assert.NotNull(name);
        using var temp = new TempDirectory();
        string[] withOutput = args.Length > 0 && args[0] == "train" ? [.. args, "--output", temp.File("run")] : args;
        Cli.Run(withOutput).AssertOneLineError(ExitCodes.Usage, mentioned);
    }

    [Fact]
    public void MissingDataFile_ExitsWithBadFile()
    {
        using var temp = new TempDirectory();
        Cli.Run("train", "--data", temp.File("nope.csv"), "--output", temp.File("run")).AssertOneLineError(ExitCodes.BadFile, "nope.csv");
        Cli.Run("train", "--task", "language-model", "--data", temp.File("nope.txt"), "--output", temp.File("run")).AssertOneLineError(ExitCodes.BadFile, "nope.txt");
        Cli.Run("train", "--task", "classify", "--data", temp.File("nope2.csv"), "--output", temp.File("run")).AssertOneLineError(ExitCodes.BadFile, "nope2.csv");
    }

    [Fact]
    public void TextInAValueColumn_ExitsWithBadFileNamingTheLine()
    {
        using var temp = new TempDirectory();
        var csv = new System.Text.StringBuilder("month,value\n");
        for (int i = 0; i < 60; i++)
        {
            csv.Append($"{1900 + (i / 12)}-{(i % 12) + 1:00},{(i == 40 ? "n/a" : (100 + i).ToString())}\n");
        }

        string data = temp.Write("bad.csv", csv.ToString());
        Cli.Run("train", "--data", data, "--output", temp.File("run")).AssertOneLineError(ExitCodes.BadFile, "line 42");
    }

    [Fact]
    public void EmptyAndHeaderOnlyFiles_ExitWithBadFile()
    {
        using var temp = new TempDirectory();
        Cli.Run("train", "--data", temp.Write("empty.csv", ""), "--output", temp.File("a")).AssertOneLineError(ExitCodes.BadFile, "empty");
        Cli.Run("train", "--data", temp.Write("header.csv", "month,value\n"), "--output", temp.File("b")).AssertOneLineError(ExitCodes.BadFile, "header.csv");
        Cli.Run("train", "--task", "language-model", "--data", temp.Write("empty.txt", ""), "--output", temp.File("c")).AssertOneLineError(ExitCodes.BadFile, "empty");
        Cli.Run("train", "--task", "classify", "--data", temp.Write("nolabel.csv", "text\nabc\n"), "--output", temp.File("d")).AssertOneLineError(ExitCodes.BadFile, "label");
    }

    [Fact]
    public void LogOfNonPositiveValues_ExitsWithUsageError()
    {
        using var temp = new TempDirectory();
        var csv = new System.Text.StringBuilder("t,value\n");
        for (int i = 0; i < 80; i++)
        {
            csv.Append($"{i + 1},{Math.Sin(i / 4.0):0.###}\n");
        }

        string data = temp.Write("signed.csv", csv.ToString());
        Cli.Run("train", "--data", data, "--transform", "log", "--output", temp.File("run")).AssertOneLineError(ExitCodes.Usage, "log");
    }

    [Fact]
    public void DivergingTraining_ExitsWithFailure()
    {
        using var temp = new TempDirectory();
        Cli.Run("train", "--optimizer", "sgd", "--lr", "1e30", "--clip", "0", "--epochs", "3", "--output", temp.File("run"))
            .AssertOneLineError(ExitCodes.Failure, "training failed");
    }

    [Fact]
    public void Help_ExitsWithSuccess()
    {
        Cli.Result result = Cli.Run("train", "--help");
        result.AssertSuccess();
        Assert.Contains("--lookback", result.Out);
    }
}
