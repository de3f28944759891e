using System.Diagnostics.CodeAnalysis;

namespace FastLstm;

/// <summary>
/// How the weights of the per-step products are stored for inference (<see cref="RecurrentLayer.InferencePrecision"/>).
/// Every form multiplies and accumulates in float32; only the stored weights are rounded, once, when they are packed
/// (again after each change of the parameters).
/// </summary>
/// <remarks>
/// At batch 1 the recurrent product h·W_hhᵀ of each step is a matrix-vector product whose speed is the bandwidth of
/// the cache the weights stream from (W_hh of an H = 512 LSTM is 4 MB in float32); halving or quartering the bytes
/// per weight makes it faster as long as the decode of a weight costs less than the bandwidth it saves. Training
/// (<c>Forward(training: true)</c> and <see cref="RecurrentLayer.Backward"/>) always uses float32.
/// </remarks>
[SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The members name number formats (as ONNX and PyTorch do); the type names are the point.")]
public enum WeightPrecision
{
    /// <summary>4 bytes a weight, the parameters themselves: the exact result.</summary>
    Float32,

    /// <summary>
    /// bfloat16 (2 bytes): the upper half of the float32, rounded to nearest, ties to even (NaN stays NaN). Float32's
    /// range with an 8-bit significand: relative error ≤ 2⁻⁹ per weight. The cheapest decode (one shift or mask).
    /// </summary>
    BFloat16,

    /// <summary>
    /// IEEE half (2 bytes), rounded to nearest, ties to even, as the <see cref="Half"/> conversion: an 11-bit significand
    /// (relative error ≤ 2⁻¹² per weight, 8× smaller than bfloat16) but a range of ±65504; larger magnitudes saturate to
    /// ±65504, weights below 2⁻²⁴ flush to ±0. Weights must be finite (NaN weights decode to unspecified values).
    /// </summary>
    Float16,

    /// <summary>
    /// Signed 8-bit integers (1 byte) with one float32 scale per output unit (row of W): s = max|w_row| / 127,
    /// q = round(w / s) to nearest even, in −127 … 127; w ≈ q·s. Absolute error ≤ s/2 per weight. The products sum
    /// q·x in float32 and multiply by s once per output. Weights must be finite.
    /// </summary>
    Int8,
}
