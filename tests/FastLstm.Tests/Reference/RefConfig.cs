namespace FastLstm.Tests.Reference;

/// <summary>
/// Shape and features of a PyTorch-semantics recurrent network, as the float64 reference sees it.
/// Legend: I input, H hidden, P projection, G gates, L layers, D directions, Hout = P if P &gt; 0 else H.
/// </summary>
/// <param name="Cell">The cell type.</param>
/// <param name="InputSize">I, features of the first layer's input.</param>
/// <param name="HiddenSize">H, features of the cell state and of every gate.</param>
/// <param name="NumLayers">L, stacked layers; layer k &gt; 0 reads layer k-1's output, directions concatenated.</param>
/// <param name="Bidirectional">D = 2 when true: a reverse direction per layer.</param>
/// <param name="ProjSize">P, LSTM only: <c>h = W_hr (o * tanh c)</c> has P features; 0 = no projection; P &lt; H.</param>
/// <param name="Peephole">LSTM only, not with projection: i and f see c_{t-1}, o sees c_t (ONNX's peepholes).</param>
/// <param name="GruLinearBeforeReset">GRU only: true = PyTorch's <c>r * (W_hn h + b_hn)</c>; false = the original <c>W_hn (r * h) + b_hn</c>.</param>
/// <param name="Bias">Whether <c>bias_ih</c>/<c>bias_hh</c> exist.</param>
public sealed record RefConfig(RefCell Cell, int InputSize, int HiddenSize, int NumLayers = 1,
    bool Bidirectional = false, int ProjSize = 0, bool Peephole = false,
    bool GruLinearBeforeReset = true, bool Bias = true)
{
    /// <summary>D: 2 if bidirectional, else 1.</summary>
    public int Directions => Bidirectional ? 2 : 1;

    /// <summary>Hout: features of h and of each direction's output (P if projecting, else H).</summary>
    public int OutputHidden => ProjSize > 0 ? ProjSize : HiddenSize;

    /// <summary>G: 4 for LSTM (i, f, g, o), 3 for GRU (r, z, n), 1 for an RNN.</summary>
    public int Gates => Cell switch
    {
        RefCell.Lstm => 4,
        RefCell.Gru => 3,
        _ => 1,
    };

    /// <summary>Whether the network carries a cell state c (LSTM).</summary>
    public bool HasCell => Cell == RefCell.Lstm;

    /// <summary>Input features of layer <paramref name="layer"/>: I for layer 0, D*Hout above.</summary>
    /// <param name="layer">Layer index k, 0 &lt;= k &lt; L.</param>
    /// <returns>The column count of <c>weight_ih_l{k}</c>.</returns>
    public int LayerInputSize(int layer) => layer == 0 ? InputSize : Directions * OutputHidden;

    /// <summary>
    /// Throws if the combination is not a network PyTorch (or the documented peephole / original-GRU extensions)
    /// defines.
    /// </summary>
    /// <exception cref="ArgumentException">A size is out of range or features are combined that do not exist.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Cell))
        {
            throw new ArgumentException($"Unknown cell {Cell}.", nameof(Cell));
        }

        if (InputSize < 1 || HiddenSize < 1 || NumLayers < 1)
        {
            throw new ArgumentException(
                $"InputSize, HiddenSize and NumLayers must be >= 1; got {InputSize}, {HiddenSize}, {NumLayers}.");
        }

        if (ProjSize < 0 || (ProjSize > 0 && (Cell != RefCell.Lstm || ProjSize >= HiddenSize)))
        {
            throw new ArgumentException(
                $"ProjSize must be 0, or 0 < ProjSize < HiddenSize on an LSTM; got {ProjSize} on {Cell} with H = {HiddenSize}.",
                nameof(ProjSize));
        }

        if (Peephole && (Cell != RefCell.Lstm || ProjSize > 0))
        {
            throw new ArgumentException("Peepholes exist only on an LSTM without projection.", nameof(Peephole));
        }
    }

    /// <summary>
    /// Every parameter in PyTorch's registration order: per layer k, per direction (forward, then <c>_reverse</c>):
    /// <c>weight_ih_l{k}</c> [G*H, in_k], <c>weight_hh_l{k}</c> [G*H, Hout], <c>bias_ih_l{k}</c> [G*H],
    /// <c>bias_hh_l{k}</c> [G*H] (only with bias), <c>weight_peephole_l{k}</c> [3, H] (only with peepholes),
    /// <c>weight_hr_l{k}</c> [P, H] (only with projection).
    /// </summary>
    /// <returns>Names and row-major shapes.</returns>
    public IReadOnlyList<(string Name, int[] Shape)> ParameterShapes()
    {
        Validate();
        int gh = Gates * HiddenSize;
        var shapes = new List<(string Name, int[] Shape)>();
        for (int layer = 0; layer < NumLayers; layer++)
        {
            for (int direction = 0; direction < Directions; direction++)
            {
                string suffix = ParameterSuffix(layer, direction);
                shapes.Add(("weight_ih" + suffix, [gh, LayerInputSize(layer)]));
                shapes.Add(("weight_hh" + suffix, [gh, OutputHidden]));
                if (Bias)
                {
                    shapes.Add(("bias_ih" + suffix, [gh]));
                    shapes.Add(("bias_hh" + suffix, [gh]));
                }

                if (Peephole)
                {
                    shapes.Add(("weight_peephole" + suffix, [3, HiddenSize]));
                }

                if (ProjSize > 0)
                {
                    shapes.Add(("weight_hr" + suffix, [ProjSize, HiddenSize]));
                }
            }
        }

        return shapes;
    }

    /// <summary>The name suffix of a layer and direction: <c>_l{k}</c>, plus <c>_reverse</c> for direction 1.</summary>
    /// <param name="layer">Layer index k.</param>
    /// <param name="direction">0 forward, 1 reverse.</param>
    /// <returns>For example <c>_l1_reverse</c>.</returns>
    public static string ParameterSuffix(int layer, int direction) =>
        direction == 0 ? $"_l{layer}" : $"_l{layer}_reverse";
}
