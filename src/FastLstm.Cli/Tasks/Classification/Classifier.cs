using FastLstm.Training;
using TrainingSet = FastLstm.Training.SequenceDataset;

namespace FastLstm.Cli.Tasks.Classification;

/// <summary>Runs a many-to-one classifier over cases in batches: predicted classes, their probabilities, and scores.</summary>
internal static class Classifier
{
    private const int Batch = 64;

    /// <summary>The arg-max class and its softmax probability for every case of <paramref name="data"/>.</summary>
    public static (int[] Classes, double[] Probabilities) Predict(RecurrentModel model, TrainingSet data)
    {
        var classes = new int[data.Count];
        var probabilities = new double[data.Count];
        int steps = data.SequenceLength;
        int width = data.InputSize;
        int k = model.OutputSize;
        ModelWorkspace workspace = model.CreateWorkspace();
        for (int start = 0; start < data.Count; start += Batch)
        {
            int batch = Math.Min(Batch, data.Count - start);
            var input = new float[steps * batch * width];
            var lengths = new int[batch];
            for (int b = 0; b < batch; b++)
            {
                int i = start + b;
                lengths[b] = data.LengthOf(i);
                for (int t = 0; t < steps; t++)
                {
                    data.Inputs.Slice(((i * steps) + t) * width, width).CopyTo(input.AsSpan(((t * batch) + b) * width, width));
                }
            }

            model.Forward(workspace, input, steps, batch, data.HasLengths ? lengths : default);
            ReadOnlySpan<float> logits = workspace.Output;
            for (int b = 0; b < batch; b++)
            {
                ReadOnlySpan<float> row = logits.Slice(b * k, k);
                int best = 0;
                for (int c = 1; c < k; c++)
                {
                    if (row[c] > row[best])
                    {
                        best = c;
                    }
                }

                double total = 0;
                for (int c = 0; c < k; c++)
                {
                    total += Math.Exp(row[c] - row[best]);
                }

                classes[start + b] = best;
                probabilities[start + b] = 1.0 / total;
            }
        }

        return (classes, probabilities);
    }

    /// <summary>counts[actual, predicted].</summary>
    public static int[,] Confusion(int classes, ReadOnlySpan<float> actual, int[] predicted)
    {
        var matrix = new int[classes, classes];
        for (int i = 0; i < predicted.Length; i++)
        {
            matrix[(int)actual[i], predicted[i]]++;
        }

        return matrix;
    }

    public static double Accuracy(int[,] confusion)
    {
        int classes = confusion.GetLength(0);
        long correct = 0;
        long total = 0;
        for (int a = 0; a < classes; a++)
        {
            for (int p = 0; p < classes; p++)
            {
                total += confusion[a, p];
                correct += a == p ? confusion[a, p] : 0;
            }
        }

        return total == 0 ? double.NaN : (double)correct / total;
    }
}
