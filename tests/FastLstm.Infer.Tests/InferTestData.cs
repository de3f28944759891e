using System.Globalization;
using System.Text;
using FastLstm.Serialization;
using FastLstm.Training;

namespace FastLstm.Infer.Tests;

/// <summary>Models, CSV inputs and the managed engine's expected outputs for the fastlstm-infer tests.</summary>
internal static class InferTestData
{
    public static RecurrentModel Forecaster() =>
        new(new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 3, HiddenSize = 16, NumLayers = 2 }, 2, HeadMode.LastStep, seed: 3);

    public static RecurrentModel Tagger() =>
        new(new RecurrentOptions { Cell = CellKind.Gru, InputSize = 2, HiddenSize = 8 }, 3, HeadMode.EveryStep, seed: 4);

    public static RecurrentModel Bidirectional() =>
        new(new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 2, HiddenSize = 5, Bidirectional = true, ProjectionSize = 3 }, 1, HeadMode.LastStep, seed: 5);

    public static RecurrentModel CharModel() =>
        new(new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 4, HiddenSize = 12 }, 6, HeadMode.EveryStep, vocabularySize: 6, seed: 6);

    /// <summary>Random rows of the model's input width (token ids for an embedding model), with segment lengths.</summary>
    public static float[][] Rows(RecurrentModel model, int count, int seed)
    {
        var random = new Random(seed);
        var rows = new float[count][];
        for (int r = 0; r < count; r++)
        {
            rows[r] = new float[model.InputSize];
            for (int i = 0; i < model.InputSize; i++)
            {
                rows[r][i] = model.Embedding is null ? (random.NextSingle() * 4f) - 2f : random.Next(model.Embedding.VocabularySize);
            }
        }

        return rows;
    }

    /// <summary>CSV text: a header, then the segments' rows separated by blank lines.</summary>
    public static string Csv(RecurrentModel model, IReadOnlyList<float[][]> segments, string newline = "\n")
    {
        var text = new StringBuilder();
        text.Append(string.Join(",", Enumerable.Range(0, model.InputSize).Select(i => "x" + i))).Append(newline);
        for (int s = 0; s < segments.Count; s++)
        {
            if (s > 0)
            {
                text.Append(newline);
            }

            foreach (float[] row in segments[s])
            {
                text.Append(string.Join(",", row.Select(v => v.ToString(CultureInfo.InvariantCulture)))).Append(newline);
            }
        }

        return text.ToString();
    }

    /// <summary>What --stream must print: the model stepped through each segment from a zero state.</summary>
    public static List<float[]?> ExpectedStream(RecurrentModel model, IReadOnlyList<float[][]> segments)
    {
        var expected = new List<float[]?>();
        ModelState state = model.CreateState();
        foreach (float[][] segment in segments)
        {
            state.Reset();
            foreach (float[] row in segment)
            {
                var output = new float[model.OutputSize];
                model.Step(state, row, output);
                expected.Add(output);
            }
        }

        return expected;
    }

    /// <summary>What --sequence must print: one forward pass per segment (null rows stand for the blank separator lines).</summary>
    public static List<float[]?> ExpectedSequences(RecurrentModel model, IReadOnlyList<float[][]> segments)
    {
        var expected = new List<float[]?>();
        ModelWorkspace workspace = model.CreateWorkspace();
        foreach (float[][] segment in segments)
        {
            float[] input = [.. segment.SelectMany(r => r)];
            model.Forward(workspace, input, segment.Length, 1);
            float[] output = workspace.Output.ToArray();
            for (int r = 0; r < output.Length / model.OutputSize; r++)
            {
                expected.Add(output.AsSpan(r * model.OutputSize, model.OutputSize).ToArray());
            }

            if (model.HeadMode == HeadMode.EveryStep)
            {
                expected.Add(null);
            }
        }

        return expected;
    }

    /// <summary>Parses the program's stdout: one float array per line, null for a blank line.</summary>
    public static List<float[]?> ParseOutput(string text)
    {
        var rows = new List<float[]?>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (i == lines.Length - 1 && lines[i].Length == 0)
            {
                break;   // the final newline
            }

            rows.Add(lines[i].Length == 0 ? null : [.. lines[i].Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture))]);
        }

        return rows;
    }

    public static string SaveModel(RecurrentModel model, string directory, string name)
    {
        string path = Path.Combine(directory, name);
        ModelFile.Save(path, new ModelFile { Model = model });
        return path;
    }
}
