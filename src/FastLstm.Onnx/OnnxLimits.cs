namespace FastLstm.Onnx;

/// <summary>
/// The fixed limits the importer checks a file and every tensor it computes against, so a crafted model ends in
/// <see cref="ModelFormatException"/> instead of a huge allocation or a hang.
/// </summary>
public static class OnnxLimits
{
    /// <summary>Largest model file: protobuf messages cannot exceed 2 GB.</summary>
    public const long MaxFileLength = int.MaxValue;

    /// <summary>Most dimensions of any tensor.</summary>
    public const int MaxRank = 8;

    /// <summary>Most elements of any tensor the runner creates (2²⁶ = 64 Mi, 256 MB of floats).</summary>
    public const int MaxElements = 1 << 26;

    /// <summary>Most multiply-adds of one Gemm or MatMul whose weights are not constants (about a few seconds of work).</summary>
    public const long MaxOperations = 1L << 32;

    /// <summary>Most nodes in a graph.</summary>
    public const int MaxNodes = 100_000;
}
