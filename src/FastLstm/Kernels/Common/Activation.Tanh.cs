using System.Runtime.CompilerServices;

namespace FastLstm.Kernels;

internal static unsafe partial class Activation
{
    // tanh(a) = (e²ᵃ − 1) / (e²ᵃ + 1) = m / (m + 2) with m = e²ᵃ − 1 from ExpMinusOne, on a = |x| and with x's
    // sign put back at the end (so tanh(−0) = −0). ExpMinusOne keeps m's relative accuracy down to a → 0, where
    // the reduction is exact (n = 0, r = 2a), so one formula serves the whole range: no small-argument branch and
    // no select between two. a is capped at 10: past 9.01 tanh rounds to 1 in float, and e²⁰ keeps m finite.
    // Error vs float64: ≤ 2e−7 absolute and a few ulp relative over all finite x; tanh(±∞) = ±1, NaN stays NaN.
    private const float TanhCap = 10f;

    /// <summary>tanh(x) lane by lane (accuracy above).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TVec Tanh<TOps, TVec>(TVec x)
        where TOps : struct, IVectorOps<TVec>
        where TVec : struct
    {
        TVec a = TOps.Min(TOps.Abs(x), TOps.Broadcast(TanhCap));
        TVec m = ExpMinusOne<TOps, TVec>(TOps.Add(a, a));
        TVec magnitude = TOps.Divide(m, TOps.Add(m, TOps.Broadcast(2f)));

        // magnitude ≥ 0, so OR-ing in x's sign bit is copysign.
        TVec t = TOps.Or(magnitude, TOps.SignBit(x));
        return TOps.Select(TOps.IsOrdered(x), t, x);
    }

    /// <summary>The scalar twin of <see cref="Tanh{TOps, TVec}"/>.</summary>
    internal static float Tanh(float x)
    {
        // Mirrors the vector min (for NaN, the vector min returns the cap; the NaN is restored below anyway).
        float a = MathF.Abs(x);
        a = a < TanhCap ? a : TanhCap;
        float m = ExpMinusOne(a + a);
        float magnitude = m / (m + 2f);
        float t = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(magnitude) | (BitConverter.SingleToInt32Bits(x) & int.MinValue));
        return float.IsNaN(x) ? x : t;
    }
}
