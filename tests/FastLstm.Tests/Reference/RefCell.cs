namespace FastLstm.Tests.Reference;

/// <summary>The recurrent cell a <see cref="RefConfig"/> describes (PyTorch's <c>mode</c>).</summary>
public enum RefCell
{
    /// <summary>Elman RNN, <c>h' = tanh(W_ih x + b_ih + W_hh h + b_hh)</c> (PyTorch <c>RNN_TANH</c>).</summary>
    RnnTanh,

    /// <summary>Elman RNN with ReLU instead of tanh (PyTorch <c>RNN_RELU</c>).</summary>
    RnnRelu,

    /// <summary>LSTM, gate order i, f, g, o.</summary>
    Lstm,

    /// <summary>GRU, gate order r, z, n.</summary>
    Gru,
}
