using Xunit;

namespace FastLstm.Tests.Layers;

/// <summary>
/// Finite-difference checks of the dense head and the embedding: the engine's analytic float32 gradients against
/// central differences of a float64 evaluation of the same layer, for L = Σ y ⊙ G.
/// </summary>
public sealed class DenseAndEmbeddingGradientTests
{
    // PyTorch gradcheck's step; the float32-engine tolerance of the fixture README.
    private const double Step = 1e-6;
    private const double Absolute = 1e-4;
    private const double Relative = 1e-4;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Dense_Gradients_MatchFiniteDifferences(bool bias)
    {
        const int rows = 4, inputs = 9, outputs = 5;
        var dense = new Dense(inputs, outputs, bias, seed: 3);
        float[] x = TestData.Uniform(rows * inputs, 1);
        float[] g = TestData.Uniform(rows * outputs, 2);
        float[] dx = new float[x.Length];
        float[] y = new float[rows * outputs];
        dense.Forward(x, y);
        dense.Parameters.ZeroGradients();
        dense.Backward(x, g, dx);

        double[] weight = Array.ConvertAll(dense.Parameters["weight"].Values.ToArray(), v => (double)v);
        double[] biases = bias ? Array.ConvertAll(dense.Parameters["bias"].Values.ToArray(), v => (double)v) : new double[outputs];
        double[] input = Array.ConvertAll(x, v => (double)v);
        double Loss()
        {
            double loss = 0;
            for (int r = 0; r < rows; r++)
            {
                for (int o = 0; o < outputs; o++)
                {
                    double sum = biases[o];
                    for (int i = 0; i < inputs; i++)
                    {
                        sum += input[(r * inputs) + i] * weight[(o * inputs) + i];
                    }

                    loss += sum * g[(r * outputs) + o];
                }
            }

            return loss;
        }

        // The float64 forward must agree with the engine's output first, or the check proves nothing.
        Assert.Equal(Loss(), Dot(y, g), 4);
        AssertGradient("weight", weight, dense.Parameters["weight"].Gradients, Loss);
        AssertGradient("x", input, dx, Loss);
        if (bias)
        {
            AssertGradient("bias", biases, dense.Parameters["bias"].Gradients, Loss);
        }
    }

    [Fact]
    public void Embedding_Gradients_MatchFiniteDifferencesIncludingRepeatedTokens()
    {
        const int vocabulary = 6, features = 4;
        var embedding = new Embedding(vocabulary, features, seed: 4);
        int[] tokens = [2, 5, 2, 0, 2];
        float[] g = TestData.Uniform(tokens.Length * features, 5);
        embedding.Parameters.ZeroGradients();
        embedding.Backward(tokens, g);
        double[] table = Array.ConvertAll(embedding.Parameters["weight"].Values.ToArray(), v => (double)v);
        double Loss()
        {
            double loss = 0;
            for (int n = 0; n < tokens.Length; n++)
            {
                for (int f = 0; f < features; f++)
                {
                    loss += table[(tokens[n] * features) + f] * g[(n * features) + f];
                }
            }

            return loss;
        }

        AssertGradient("weight", table, embedding.Parameters["weight"].Gradients, Loss);
        Assert.All(embedding.Parameters["weight"].Gradients.Slice(1 * features, features).ToArray(), v => Assert.Equal(0f, v));
    }

    private static void AssertGradient(string what, double[] values, ReadOnlySpan<float> analytic, Func<double> loss)
    {
        for (int i = 0; i < values.Length; i++)
        {
            double saved = values[i];
            values[i] = saved + Step;
            double plus = loss();
            values[i] = saved - Step;
            double minus = loss();
            values[i] = saved;
            double numeric = (plus - minus) / (2 * Step);
            double error = Math.Abs(analytic[i] - numeric);
            Assert.True(error <= Absolute + (Relative * Math.Abs(numeric)), $"{what}[{i}]: analytic {analytic[i]}, numeric {numeric}");
        }
    }

    private static double Dot(float[] a, float[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }

        return sum;
    }
}
