namespace FastLstm.Tests.Reference;

/// <summary>
/// The arrays of one layer and direction, looked up by name. Used both for weights and, with the same shapes,
/// for their gradients (the arrays are shared with the dictionary they came from, so += lands there).
/// </summary>
internal sealed class RefDirectionParams
{
    private RefDirectionParams(double[] weightIh, double[] weightHh, double[]? biasIh, double[]? biasHh,
        double[]? peephole, double[]? weightHr, int inputSize)
    {
        WeightIh = weightIh;
        WeightHh = weightHh;
        BiasIh = biasIh;
        BiasHh = biasHh;
        Peephole = peephole;
        WeightHr = weightHr;
        InputSize = inputSize;
    }

    /// <summary>(G*H, in) input weights, gate j in rows j*H … (j+1)*H-1.</summary>
    public double[] WeightIh { get; }

    /// <summary>(G*H, Hout) recurrent weights.</summary>
    public double[] WeightHh { get; }

    /// <summary>(G*H) input bias, or null without bias.</summary>
    public double[]? BiasIh { get; }

    /// <summary>(G*H) recurrent bias, or null without bias.</summary>
    public double[]? BiasHh { get; }

    /// <summary>(3, H) peephole rows P_i, P_f, P_o, or null.</summary>
    public double[]? Peephole { get; }

    /// <summary>(P, H) projection, or null.</summary>
    public double[]? WeightHr { get; }

    /// <summary>Columns of <see cref="WeightIh"/>.</summary>
    public int InputSize { get; }

    public static RefDirectionParams From(RefConfig config, IReadOnlyDictionary<string, double[]> arrays, int layer, int direction)
    {
        string suffix = RefConfig.ParameterSuffix(layer, direction);
        return new RefDirectionParams(
            arrays["weight_ih" + suffix],
            arrays["weight_hh" + suffix],
            config.Bias ? arrays["bias_ih" + suffix] : null,
            config.Bias ? arrays["bias_hh" + suffix] : null,
            config.Peephole ? arrays["weight_peephole" + suffix] : null,
            config.ProjSize > 0 ? arrays["weight_hr" + suffix] : null,
            config.LayerInputSize(layer));
    }
}
