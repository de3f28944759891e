using FastLstm.Tests.Reference;

namespace FastLstm.Tests.Layers;

/// <summary>Builds engine layers from the reference's descriptions, so both run the same network on the same numbers.</summary>
internal static class EngineAdapter
{
    public static RecurrentOptions ToOptions(RefConfig config, float dropout = 0f) => new()
    {
        Cell = config.Cell switch
        {
            RefCell.RnnTanh => CellKind.RnnTanh,
            RefCell.RnnRelu => CellKind.RnnRelu,
            RefCell.Lstm => CellKind.Lstm,
            _ => CellKind.Gru,
        },
        InputSize = config.InputSize,
        HiddenSize = config.HiddenSize,
        NumLayers = config.NumLayers,
        Bidirectional = config.Bidirectional,
        ProjectionSize = config.ProjSize,
        Peephole = config.Peephole,
        GruLinearBeforeReset = config.GruLinearBeforeReset,
        Bias = config.Bias,
        Dropout = dropout,
    };

    /// <summary>A layer whose every parameter is set from <paramref name="parameters"/> (which must name them all).</summary>
    public static RecurrentLayer Build(RefConfig config, IReadOnlyDictionary<string, double[]> parameters)
    {
        var layer = new RecurrentLayer(ToOptions(config));
        if (layer.Parameters.Count != parameters.Count)
        {
            throw new InvalidOperationException($"The engine has {layer.Parameters.Count} parameters, the case {parameters.Count}.");
        }

        foreach (KeyValuePair<string, double[]> pair in parameters)
        {
            layer.Parameters[pair.Key].CopyFrom(ToFloat(pair.Value));
        }

        return layer;
    }

    public static float[] ToFloat(double[] values) => Array.ConvertAll(values, v => (float)v);

    public static float[] ToFloatOrEmpty(double[]? values) => values is null ? [] : ToFloat(values);
}
