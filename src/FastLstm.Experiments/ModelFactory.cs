using FastLstm.Training;

namespace FastLstm.Experiments;

/// <summary>The three models the experiments compare, built the same way: one recurrent layer of H units and a dense head.</summary>
public static class ModelFactory
{
    /// <summary>The cells compared, in table order.</summary>
    public static readonly CellKind[] Cells = [CellKind.RnnTanh, CellKind.Lstm, CellKind.Gru];

    /// <summary>A one-layer model of <paramref name="cell"/> with PyTorch's default initialization.</summary>
    public static RecurrentModel Build(CellKind cell, int inputSize, int hidden, int outputs, HeadMode head, int seed) =>
        new(new RecurrentOptions { Cell = cell, InputSize = inputSize, HiddenSize = hidden }, outputs, head, seed: seed);

    /// <summary>The table name of a cell: RNN, LSTM, GRU.</summary>
    public static string Name(CellKind cell) => cell switch
    {
        CellKind.RnnTanh => "RNN",
        CellKind.RnnRelu => "RNN-relu",
        CellKind.Lstm => "LSTM",
        _ => "GRU",
    };

    /// <summary>
    /// Sets an LSTM's forget-gate bias: b_ih of the f block to <paramref name="value"/>, b_hh of it to 0 (Gers et al. 2000;
    /// Jozefowicz et al. 2015). PyTorch's default leaves it near 0, so f ≈ 0.5 and the cell forgets half per step at first.
    /// </summary>
    public static void SetForgetBias(RecurrentModel model, float value)
    {
        ArgumentNullException.ThrowIfNull(model);
        int h = model.Recurrent.Options.HiddenSize;
        int start = GateOrder.LstmForget * h;
        model.Recurrent.Parameters["bias_ih_l0"].Values.Slice(start, h).Fill(value);
        model.Recurrent.Parameters["bias_hh_l0"].Values.Slice(start, h).Clear();
        model.Recurrent.Parameters.MarkChanged();
    }
}
