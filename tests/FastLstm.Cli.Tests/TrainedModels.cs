using System.Text;

namespace FastLstm.Cli.Tests;

/// <summary>Small models of every task, trained once for the tests of the commands that use a model.</summary>
public sealed class TrainedModels : IDisposable
{
    private readonly TempDirectory _temp = new();

    public TrainedModels()
    {
        Forecaster = Train("forecast", "train", "--epochs", "5", "--hidden", "8");

        var text = new StringBuilder();
        for (int i = 0; i < 120; i++)
        {
            text.Append("the cat sat on the mat. the dog ate the log. ");
        }

        TextFile = _temp.Write("corpus.txt", text.ToString());
        LanguageModel = Train("lm", "train", "--task", "language-model", "--data", TextFile, "--epochs", "2", "--hidden", "16", "--embedding", "8", "--batch-size", "4", "--seq-len", "16");

        var labelled = new StringBuilder("text,label\n");
        var random = new Random(3);
        for (int i = 0; i < 160; i++)
        {
            bool vowels = i % 2 == 0;
            string alphabet = vowels ? "aeiou" : "xyzwq";
            string word = new([.. Enumerable.Range(0, 6 + random.Next(6)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            labelled.Append(word).Append(',').Append(vowels ? "soft" : "hard").Append('\n');
        }

        LabelledFile = _temp.Write("labelled.csv", labelled.ToString());
        Classifier = Train("classifier", "train", "--task", "classify", "--data", LabelledFile, "--epochs", "8", "--hidden", "16", "--embedding", "8", "--lr", "0.01");

        var cases = new StringBuilder("case_id,label,t,x,y\n");
        for (int c = 0; c < 60; c++)
        {
            bool rising = c % 2 == 0;
            int length = 5 + (c % 4);
            for (int t = 0; t < length; t++)
            {
                double x = rising ? t : length - t;
                cases.Append($"c{c},{(rising ? "up" : "down")},{t},{x:0.##},{random.NextDouble():0.###}\n");
            }
        }

        LongFile = _temp.Write("long.csv", cases.ToString());
        LongClassifier = Train("long", "train", "--task", "classify", "--format", "long", "--data", LongFile, "--time-column", "t", "--epochs", "10", "--hidden", "8", "--lr", "0.02");
    }

    public string Forecaster { get; }

    public string LanguageModel { get; }

    public string Classifier { get; }

    public string LongClassifier { get; }

    public string TextFile { get; }

    public string LabelledFile { get; }

    public string LongFile { get; }

    public string Folder => _temp.Path;

    public void Dispose() => _temp.Dispose();

    private string Train(string name, params string[] args)
    {
        string output = _temp.File(name);
        Cli.Result result = Cli.Run([.. args, "--output", output]);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"training the {name} fixture failed ({result.ExitCode}): {result.Error}\n{result.Out}");
        }

        return Path.Combine(output, "model.fastlstm");
    }
}
