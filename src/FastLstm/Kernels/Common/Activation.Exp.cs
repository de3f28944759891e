using System.Runtime.CompilerServices;

namespace FastLstm.Kernels;

/// <summary>
/// Vectorized activations for the fused cell kernels. Each comes as a generic vector function
/// (<see cref="IVectorOps{TVec}"/>) and a scalar twin written with the same operations in the same order, so that
/// the scalar tail of a kernel and every vector width give identical bits for identical inputs.
/// </summary>
internal static unsafe partial class Activation
{
    // exp(x) as in Cephes expf: x = n·ln2 + r with |r| ≤ ln2/2, exp(r) by a degree-7 polynomial, times 2ⁿ.
    // ln2 is split in two (Cody–Waite): n·Ln2High is exact for |n| ≤ 2⁸, so r keeps its low bits.
    // Measured error vs float64 over [−87, 88]: ≤ 2 ulp (tests/FastLstm.Tests/Kernels/ActivationTests).
    // Inputs are clamped to [ExpLow, ExpHigh] so that 2ⁿ stays a normal float (n in [−126, 127]):
    // exp saturates at 1.6e38 above 88 and at 1.6e−38 below −87, instead of overflowing to ∞ or flushing to 0.
    private const float ExpLow = -87f;
    private const float ExpHigh = 88f;
    private const float Log2E = 1.44269504088896341f;
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
        TVec n = TOps.Round(TOps.Multiply(x, TOps.Broadcast(Log2E)));
        TVec r = TOps.Subtract(TOps.Subtract(x, TOps.Multiply(n, TOps.Broadcast(Ln2High))), TOps.Multiply(n, TOps.Broadcast(Ln2Low)));
        TVec p = TOps.Broadcast(Exp5);
        p = TOps.Add(TOps.Multiply(p, r), TOps.Broadcast(Exp4));
        p = TOps.Add(TOps.Multiply(p, r), TOps.Broadcast(Exp3));
        p = TOps.Add(TOps.Multiply(p, r), TOps.Broadcast(Exp2));
        p = TOps.Add(TOps.Multiply(p, r), TOps.Broadcast(Exp1));
        p = TOps.Add(TOps.Multiply(p, r), TOps.Broadcast(Exp0));
        TVec y = TOps.Add(TOps.Add(TOps.Multiply(TOps.Multiply(p, r), r), r), TOps.Broadcast(1f));
        return TOps.Multiply(y, TOps.Pow2(n));
    }

    /// <summary>The scalar twin of <see cref="Exp{TOps, TVec}"/>: same clamp (NaN becomes ExpLow, like the vector
    /// max/min), same operations, same bits.</summary>
    internal static float Exp(float x)
    {
        x = x > ExpLow ? x : ExpLow;
        x = x < ExpHigh ? x : ExpHigh;
        float n = MathF.Round(x * Log2E);
        float r = (x - (n * Ln2High)) - (n * Ln2Low);
        float p = Exp5;
        p = (p * r) + Exp4;
        p = (p * r) + Exp3;
        p = (p * r) + Exp2;
        p = (p * r) + Exp1;
        p = (p * r) + Exp0;
        float y = (((p * r) * r) + r) + 1f;
        return y * BitConverter.Int32BitsToSingle(((int)n + 127) << 23);
    }
}
