namespace FastLstm.Kernels;

/// <summary>The instruction-set levels a kernel can be forced to, for tests and benchmarks (widest last).</summary>
internal enum Isa
{
    /// <summary>The scalar reference path.</summary>
    Scalar,

    /// <summary>Vector128 (SSE, AdvSimd).</summary>
    Vector128,

    /// <summary>Vector256 (AVX2; the matrix kernels also need FMA).</summary>
    Vector256,

    /// <summary>Vector512 (AVX-512).</summary>
    Vector512,
}
