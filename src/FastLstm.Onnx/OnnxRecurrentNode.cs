namespace FastLstm.Onnx;

/// <summary>An LSTM, GRU or RNN node of an imported model and the FastLstm layer that runs it.</summary>
/// <param name="NodeName">The node's name in the graph (may be empty).</param>
/// <param name="OperatorType">"LSTM", "GRU" or "RNN".</param>
/// <param name="Layer">The single-layer FastLstm layer holding the node's weights in FastLstm (PyTorch) gate order.</param>
/// <param name="Direction">The node's direction; <see cref="OnnxDirection.Reverse"/> runs <paramref name="Layer"/> over reversed sequences.</param>
/// <param name="BatchFirst">The node's <c>layout</c> = 1: X is (B, T, I) and Y is (B, T, D, H).</param>
public sealed record OnnxRecurrentNode(string NodeName, string OperatorType, RecurrentLayer Layer, OnnxDirection Direction, bool BatchFirst);
