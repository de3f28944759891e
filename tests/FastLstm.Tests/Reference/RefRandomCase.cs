namespace FastLstm.Tests.Reference;

/// <summary>Deterministic random inputs for the reference and the engine's tests.</summary>
public static class RefRandomCase
{
    /// <summary>
    /// Draws, in this order from <c>new Random(seed)</c>: parameters (registration order) uniform(-s, s) with
    /// s = 1.5/sqrt(H) (gates neither saturated nor all near 0.5), x uniform(-1, 1) (padded steps included),
    /// h0 and c0 uniform(-0.5, 0.5), dy, dhN, dcN uniform(-1, 1) (padded steps included), then the lengths.
    /// </summary>
    /// <param name="config">The network.</param>
    /// <param name="seqLen">T &gt;= 1.</param>
    /// <param name="batch">B &gt;= 1.</param>
    /// <param name="seed">The seed; the same seed always gives the same case.</param>
    /// <param name="variableLengths">
    /// Per-sequence lengths: T, 1, (0 when <paramref name="allowZeroLength"/>), then values strictly between 1 and T,
    /// as many as B holds, shuffled. False: <see cref="RefCase.Lengths"/> is null.
    /// </param>
    /// <param name="allowZeroLength">Whether one sequence may have length 0.</param>
    /// <returns>The case.</returns>
    public static RefCase Create(RefConfig config, int seqLen, int batch, int seed, bool variableLengths = false, bool allowZeroLength = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfLessThan(seqLen, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);

#pragma warning disable CA5394 // Deterministic test data, not security: a seeded System.Random is the point.
        var random = new Random(seed);
        double Uniform(double low, double high) => low + ((high - low) * random.NextDouble());
        double[] Fill(int count, double low, double high)
        {
            var values = new double[count];
            for (int k = 0; k < count; k++)
            {
                values[k] = Uniform(low, high);
            }

            return values;
        }

        double scale = 1.5 / Math.Sqrt(config.HiddenSize);
        var parameters = new Dictionary<string, double[]>();
        foreach ((string name, int[] shape) in config.ParameterShapes())
        {
            int count = 1;
            foreach (int n in shape)
            {
                count *= n;
            }

            parameters[name] = Fill(count, -scale, scale);
        }

        int states = config.NumLayers * config.Directions;
        double[] x = Fill(seqLen * batch * config.InputSize, -1, 1);
        double[] h0 = Fill(states * batch * config.OutputHidden, -0.5, 0.5);
        double[]? c0 = config.HasCell ? Fill(states * batch * config.HiddenSize, -0.5, 0.5) : null;
        double[] dy = Fill(seqLen * batch * config.Directions * config.OutputHidden, -1, 1);
        double[] dhN = Fill(states * batch * config.OutputHidden, -1, 1);
        double[]? dcN = config.HasCell ? Fill(states * batch * config.HiddenSize, -1, 1) : null;

        int[]? lengths = null;
        if (variableLengths)
        {
            var pool = new List<int> { seqLen, 1 };
            if (allowZeroLength)
            {
                pool.Add(0);
            }

            while (pool.Count < batch)
            {
                pool.Add(seqLen > 2 ? random.Next(2, seqLen) : seqLen);
            }

            lengths = pool.GetRange(0, batch).ToArray();
            random.Shuffle(lengths);
        }
#pragma warning restore CA5394

        return new RefCase(config, seqLen, batch, parameters, x, lengths, h0, c0, dy, dhN, dcN);
    }
}
