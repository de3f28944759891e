namespace FastLstm.Tests.Layers;

/// <summary>Seeded random inputs for engine tests.</summary>
internal static class TestData
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

    public static RecurrentLayer Layer(CellKind cell, int input = 5, int hidden = 7, int layers = 1, bool bidirectional = false, int projection = 0, bool peephole = false, bool gruLinearBeforeReset = true, float dropout = 0f) =>
        new(new RecurrentOptions
        {
            Cell = cell,
            InputSize = input,
            HiddenSize = hidden,
            NumLayers = layers,
            Bidirectional = bidirectional,
            ProjectionSize = projection,
            Peephole = peephole,
            GruLinearBeforeReset = gruLinearBeforeReset,
            Dropout = dropout,
        }, seed: 11);
}
