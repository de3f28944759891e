namespace FastLstm;

/// <summary>
/// Where each gate's block of rows sits in <c>weight_ih</c>, <c>weight_hh</c> and the biases: PyTorch's order,
/// so a state_dict copies in 1:1. Gate j occupies rows j·H … (j+1)·H − 1. Conversions to other orders
/// (ONNX stores LSTM as i, o, f, c and GRU as z, r, h) belong to the interop code, never to the kernels.
/// </summary>
public static class GateOrder
{
    /// <summary>LSTM input gate block.</summary>
    public const int LstmInput = 0;

    /// <summary>LSTM forget gate block.</summary>
    public const int LstmForget = 1;

    /// <summary>LSTM cell candidate block (g, tanh).</summary>
    public const int LstmCell = 2;

    /// <summary>LSTM output gate block.</summary>
    public const int LstmOutput = 3;

    /// <summary>GRU reset gate block.</summary>
    public const int GruReset = 0;

    /// <summary>GRU update gate block.</summary>
    public const int GruUpdate = 1;

    /// <summary>GRU candidate ("new") block.</summary>
    public const int GruNew = 2;

    /// <summary>Rows of <c>weight_peephole_l{k}</c>: P_i, P_f, P_o (the fixture format's order).</summary>
    public const int PeepholeInput = 0;

    /// <summary>Peephole row of the forget gate.</summary>
    public const int PeepholeForget = 1;

    /// <summary>Peephole row of the output gate.</summary>
    public const int PeepholeOutput = 2;

    /// <summary>Number of gate blocks of a cell: 4 for LSTM, 3 for GRU, 1 for a plain RNN.</summary>
    public static int Count(CellKind cell) => cell switch
    {
        CellKind.Lstm => 4,
        CellKind.Gru => 3,
        _ => 1,
    };
}
