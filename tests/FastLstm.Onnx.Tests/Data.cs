namespace FastLstm.Onnx.Tests;

/// <summary>Seeded inputs and layers.</summary>
internal static class Data
{
    public static float[] Uniform(int count, int seed, float low = -1f, float high = 1f)
    {
#pragma warning disable CA5394 // Deterministic test data, not security.
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = low + ((high - low) * random.NextSingle());
        }
#pragma warning restore CA5394
        return values;
    }

    /// <summary>A layer whose weights are spread over ±1.5/√H so every gate sees values off its linear region.</summary>
    public static RecurrentLayer Layer(RecurrentOptions options, int seed = 11)
    {
        var layer = new RecurrentLayer(options, seed);
        float bound = 1.5f / MathF.Sqrt(options.HiddenSize);
        float[] values = Uniform(layer.Parameters.TotalLength, seed + 1, -bound, bound);
        values.CopyTo(layer.Parameters.Values);
        if (options.Cell == CellKind.RnnRelu)
        {
            // Lift the biases so most relu units are active: a comparison of zeros would prove nothing.
            foreach (Parameter parameter in layer.Parameters)
            {
                if (parameter.Name.StartsWith("bias", StringComparison.Ordinal))
                {
                    System.Numerics.Tensors.TensorPrimitives.Add(parameter.Values, 0.6f, parameter.Values);
                }
            }
        }

        layer.Parameters.MarkChanged();
        return layer;
    }
}
