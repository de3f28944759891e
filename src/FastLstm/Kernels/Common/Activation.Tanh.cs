using System.Runtime.CompilerServices;

namespace FastLstm.Kernels;

internal static unsafe partial class Activation
{
    // tanh as in Cephes tanhf, on a = |x| and with x's sign put back at the end (so tanh(−0) = −0):
    //   a < 0.625:  a + a·z·P(z), z = a², P of degree 4 (minimax; the cancellation-free branch near 0)
    //   a ≥ 0.625:  1 − 2 / (exp(2a) + 1), with a capped at 10: past 9.01 tanh rounds to 1 in float.
    // Error vs float64: ≤ 2e−7 absolute, a few ulp relative, over all finite x; tanh(±∞) = ±1, NaN stays NaN.
    private const float TanhSmall = 0.625f;
    private const float TanhCap = 10f;
    private const float Tanh4 = -5.70498872745e-3f;
    private const float Tanh3 = 2.06390887954e-2f;
    private const float Tanh2 = -5.37397155531e-2f;
    private const float Tanh1 = 1.33314422036e-1f;
    private const float Tanh0 = -3.33332819422e-1f;

    /// <summary>tanh(x) lane by lane (accuracy above).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TVec Tanh<TOps, TVec>(TVec x)
        where TOps : struct, IVectorOps<TVec>
        where TVec : struct
    {
        TVec a = TOps.Abs(x);
        TVec one = TOps.Broadcast(1f);

        TVec z = TOps.Multiply(a, a);
        TVec p = TOps.Broadcast(Tanh4);
        p = TOps.Add(TOps.Multiply(p, z), TOps.Broadcast(Tanh3));
        p = TOps.Add(TOps.Multiply(p, z), TOps.Broadcast(Tanh2));
        p = TOps.Add(TOps.Multiply(p, z), TOps.Broadcast(Tanh1));
        p = TOps.Add(TOps.Multiply(p, z), TOps.Broadcast(Tanh0));
        TVec small = TOps.Add(a, TOps.Multiply(TOps.Multiply(a, z), p));

        TVec capped = TOps.Min(a, TOps.Broadcast(TanhCap));
        TVec e = Exp<TOps, TVec>(TOps.Add(capped, capped));
        TVec large = TOps.Subtract(one, TOps.Divide(TOps.Broadcast(2f), TOps.Add(e, one)));

        // Both branches are ≥ 0, so OR-ing in x's sign bit is copysign.
        TVec magnitude = TOps.Select(TOps.LessThan(a, TOps.Broadcast(TanhSmall)), small, large);
        TVec t = TOps.Or(magnitude, TOps.SignBit(x));
        return TOps.Select(TOps.IsOrdered(x), t, x);
    }

    /// <summary>The scalar twin of <see cref="Tanh{TOps, TVec}"/>.</summary>
    internal static float Tanh(float x)
    {
        float a = MathF.Abs(x);
        float z = a * a;
        float p = Tanh4;
        p = (p * z) + Tanh3;
        p = (p * z) + Tanh2;
        p = (p * z) + Tanh1;
        p = (p * z) + Tanh0;
        float small = a + ((a * z) * p);

        // Mirrors the vector min (for NaN a, the vector min returns the cap; the NaN is restored below anyway).
        float capped = a < TanhCap ? a : TanhCap;
        float e = Exp(capped + capped);
        float large = 1f - (2f / (e + 1f));

        float magnitude = a < TanhSmall ? small : large;
        float t = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(magnitude) | (BitConverter.SingleToInt32Bits(x) & int.MinValue));
        return float.IsNaN(x) ? x : t;
    }
}
