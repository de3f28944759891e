namespace FastLstm.Onnx;

/// <summary>A graph input or output as the model declares it.</summary>
/// <param name="Name">The value's name, used as the key of <see cref="OnnxModel.Run"/>'s dictionaries.</param>
/// <param name="ElementType">The element type.</param>
/// <param name="Shape">The declared dimensions, −1 where a dimension is symbolic (e.g. "batch") or unknown; null when the rank is unknown.</param>
public sealed record OnnxValueInfo(string Name, OnnxElementType ElementType, IReadOnlyList<int>? Shape);
