namespace FastLstm.Onnx;

/// <summary>A Gemm or MatMul node with constant weights (a PyTorch nn.Linear) and the FastLstm layer that runs it.</summary>
/// <param name="NodeName">The node's name in the graph (may be empty).</param>
/// <param name="OperatorType">"Gemm" or "MatMul".</param>
/// <param name="Layer">y = x·Wᵀ + b with W (out, in) as in PyTorch; no bias for a MatMul.</param>
public sealed record OnnxDenseNode(string NodeName, string OperatorType, Dense Layer);
