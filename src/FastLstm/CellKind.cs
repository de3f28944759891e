namespace FastLstm;

/// <summary>The recurrent cell a <see cref="RecurrentLayer"/> runs at every time step.</summary>
public enum CellKind
{
    /// <summary>Elman RNN, h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (PyTorch mode RNN_TANH).</summary>
    RnnTanh,

    /// <summary>Elman RNN with relu instead of tanh (PyTorch mode RNN_RELU).</summary>
    RnnRelu,

    /// <summary>Long short-term memory, gates stored in PyTorch's order i, f, g, o.</summary>
    Lstm,

    /// <summary>Gated recurrent unit, gates stored in PyTorch's order r, z, n.</summary>
    Gru,
}
