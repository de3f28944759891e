using FastLstm.Training;
using Xunit;

namespace FastLstm.Tests.Training;

/// <summary>
/// Adam's update runs in whole SIMD vectors plus a scalar tail; both must give, bit for bit, the float32 formula of
/// torch.optim.Adam evaluated one value at a time in the documented order (nothing fused), for every length around the
/// vector widths and with either kind of weight decay.
/// </summary>
public sealed class AdamVectorTests
{
    private const int Seed = 19;

    [Theory]
    [InlineData(1, 0f, false)]
    [InlineData(7, 0f, false)]
    [InlineData(16, 0.1f, false)]
    [InlineData(17, 0.1f, true)]
    [InlineData(33, 0f, true)]
    [InlineData(1003, 0.01f, false)]
    public void Step_AnyLength_EqualsScalarFormulaBitForBit(int length, float weightDecay, bool decoupled)
    {
        const float rate = 0.01f;
        const float beta1 = 0.9f;
        const float beta2 = 0.999f;
        const float epsilon = 1e-8f;
        var dense = new Dense(1, length, bias: false);
        var random = new Random(Seed);
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (2f * random.NextSingle()) - 1f;
        }

        dense.Parameters["weight"].CopyFrom(values);
        Optimizer adam = decoupled
            ? new AdamW([dense.Parameters], rate, beta1, beta2, epsilon, weightDecay)
            : new Adam([dense.Parameters], rate, beta1, beta2, epsilon, weightDecay);
        float[] first = new float[length];
        float[] second = new float[length];
        for (int step = 1; step <= 3; step++)
        {
            Span<float> gradients = dense.Parameters.Gradients;
            for (int i = 0; i < length; i++)
            {
                // Gradients of mixed magnitude, some zero, so sqrt(v) + ε sees both regimes.
                gradients[i] = i % 5 == 0 ? 0f : ((2f * random.NextSingle()) - 1f) * MathF.Pow(10f, random.Next(-4, 2));
            }

            float stepSize = (float)(rate / (1.0 - Math.Pow(beta1, step)));
            float correction2Root = (float)Math.Sqrt(1.0 - Math.Pow(beta2, step));
            float l2 = decoupled ? 0f : weightDecay;
            float shrink = decoupled ? 1f - (rate * weightDecay) : 1f;
            for (int i = 0; i < length; i++)
            {
                float p = values[i] * shrink;
                float g = gradients[i] + (l2 * p);
                first[i] = (beta1 * first[i]) + ((1f - beta1) * g);
                second[i] = (beta2 * second[i]) + ((1f - beta2) * g * g);
                values[i] = p - (stepSize * (first[i] / ((MathF.Sqrt(second[i]) / correction2Root) + epsilon)));
            }

            adam.Step();
            Assert.Equal(values, dense.Parameters.Values.ToArray());
        }
    }
}
