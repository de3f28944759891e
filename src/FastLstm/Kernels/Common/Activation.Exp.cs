using System.Runtime.CompilerServices;

namespace FastLstm.Kernels;

/// <summary>
/// Vectorized activations for the fused cell kernels. Each comes as a generic vector function
/// (<see cref="IVectorOps{TVec}"/>) and a scalar twin written with the same operations in the same order, so that
/// the scalar tail of a kernel and every vector width give identical bits for identical inputs.
/// </summary>
internal static unsafe partial class Activation
{
    // exp(x) as in Cephes expf: x = n·ln2 + r with |r| ≤ ln2/2 (a hair more: see below), exp(r) by a degree-7
    // polynomial, times 2ⁿ. ln2 is split in two (Cody–Waite) so r keeps its low bits. Every multiply-add is fused
    // (one rounding), which is both fewer instructions and a little more accurate than the separate form.
    // n comes from the shifter trick: t = x·log2e + 1.5·2²³ in one fused rounding leaves round(x·log2e) in t's
    // low mantissa bits, so n = t − 1.5·2²³ is exact and t's bits give 2ⁿ by an integer add and shift, with no
    // float→int conversion. (The fused rounding may pick the other integer when x·log2e is within an ulp of a
    // half, which only moves |r| a few ulp past ln2/2; the polynomial is accurate well beyond that.)
    // Measured error vs float64 over [−87, 88]: ≤ 2 ulp (tests/FastLstm.Tests/Kernels/ActivationTests).
    // Inputs are clamped to [ExpLow, ExpHigh] so that 2ⁿ stays a normal float (n in [−126, 127]):
    // exp saturates at 1.6e38 above 88 and at 1.6e−38 below −87, instead of overflowing to ∞ or flushing to 0.
    private const float ExpLow = -87f;
    private const float ExpHigh = 88f;
    private const float Log2E = 1.44269504088896341f;
    private const float Shifter = 12582912f; // 1.5·2²³
    private const float Ln2High = 0.693359375f;
    private const float Ln2Low = -2.12194440e-4f;
    private const float Exp5 = 1.9875691500e-4f;
    private const float Exp4 = 1.3981999507e-3f;
    private const float Exp3 = 8.3334519073e-3f;
    private const float Exp2 = 4.1665795894e-2f;
    private const float Exp1 = 1.6666665459e-1f;
    private const float Exp0 = 5.0000001201e-1f;

    /// <summary>exp(x) lane by lane, x clamped to [−87, 88]; NaN lanes give a finite value (callers restore NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TVec Exp<TOps, TVec>(TVec x)
        where TOps : struct, IVectorOps<TVec>
        where TVec : struct
    {
        x = TOps.Min(TOps.Max(x, TOps.Broadcast(ExpLow)), TOps.Broadcast(ExpHigh));
        TVec u = ExpReduced<TOps, TVec>(x, out TVec r, out TVec shifted);
        return TOps.Multiply(TOps.MultiplyAdd(u, r, TOps.Broadcast(1f)), TOps.Pow2FromShifted(shifted));
    }

    /// <summary>exp(x) − 1 for x in [0, 20] without the cancellation near 0 (tanh's numerator): with
    /// eˣ = 2ⁿ(1 + u·r), eˣ − 1 = 2ⁿ·(u·r) + (2ⁿ − 1), where 2ⁿ − 1 is exact for n ≤ 24 and the sum is then well
    /// conditioned (both terms ≥ 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TVec ExpMinusOne<TOps, TVec>(TVec x)
        where TOps : struct, IVectorOps<TVec>
        where TVec : struct
    {
        TVec u = ExpReduced<TOps, TVec>(x, out TVec r, out TVec shifted);
        TVec scale = TOps.Pow2FromShifted(shifted);
        return TOps.MultiplyAdd(scale, TOps.Multiply(u, r), TOps.Subtract(scale, TOps.Broadcast(1f)));
    }

    /// <summary>The shared core of <see cref="Exp{TOps, TVec}"/> and <see cref="ExpMinusOne{TOps, TVec}"/>: returns u
    /// with eˣ = 2ⁿ·(1 + u·r), |r| ≲ ln2/2, and t = n + 1.5·2²³ for <see cref="IVectorOps{TVec}.Pow2FromShifted"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec ExpReduced<TOps, TVec>(TVec x, out TVec r, out TVec shifted)
        where TOps : struct, IVectorOps<TVec>
        where TVec : struct
    {
        shifted = TOps.MultiplyAdd(x, TOps.Broadcast(Log2E), TOps.Broadcast(Shifter));
        TVec n = TOps.Subtract(shifted, TOps.Broadcast(Shifter));
        r = TOps.MultiplyAdd(n, TOps.Broadcast(-Ln2High), x);
        r = TOps.MultiplyAdd(n, TOps.Broadcast(-Ln2Low), r);
        TVec p = TOps.Broadcast(Exp5);
        p = TOps.MultiplyAdd(p, r, TOps.Broadcast(Exp4));
        p = TOps.MultiplyAdd(p, r, TOps.Broadcast(Exp3));
        p = TOps.MultiplyAdd(p, r, TOps.Broadcast(Exp2));
        p = TOps.MultiplyAdd(p, r, TOps.Broadcast(Exp1));
        p = TOps.MultiplyAdd(p, r, TOps.Broadcast(Exp0));
        return TOps.MultiplyAdd(p, r, TOps.Broadcast(1f));
    }

    /// <summary>The scalar twin of <see cref="Exp{TOps, TVec}"/>: same clamp (NaN becomes ExpLow, like the vector
    /// max/min), same operations, same bits.</summary>
    internal static float Exp(float x)
    {
        x = x > ExpLow ? x : ExpLow;
        x = x < ExpHigh ? x : ExpHigh;
        float u = ExpReduced(x, out float r, out float shifted);
        return MathF.FusedMultiplyAdd(u, r, 1f) * Pow2FromShifted(shifted);
    }

    /// <summary>The scalar twin of <see cref="ExpMinusOne{TOps, TVec}"/>.</summary>
    internal static float ExpMinusOne(float x)
    {
        float u = ExpReduced(x, out float r, out float shifted);
        float scale = Pow2FromShifted(shifted);
        return MathF.FusedMultiplyAdd(scale, u * r, scale - 1f);
    }

    private static float ExpReduced(float x, out float r, out float shifted)
    {
        shifted = MathF.FusedMultiplyAdd(x, Log2E, Shifter);
        float n = shifted - Shifter;
        r = MathF.FusedMultiplyAdd(n, -Ln2High, x);
        r = MathF.FusedMultiplyAdd(n, -Ln2Low, r);
        float p = Exp5;
        p = MathF.FusedMultiplyAdd(p, r, Exp4);
        p = MathF.FusedMultiplyAdd(p, r, Exp3);
        p = MathF.FusedMultiplyAdd(p, r, Exp2);
        p = MathF.FusedMultiplyAdd(p, r, Exp1);
        p = MathF.FusedMultiplyAdd(p, r, Exp0);
        return MathF.FusedMultiplyAdd(p, r, 1f);
    }

    private static float Pow2FromShifted(float shifted) =>
        BitConverter.Int32BitsToSingle((BitConverter.SingleToInt32Bits(shifted) + 127) << 23);
}
