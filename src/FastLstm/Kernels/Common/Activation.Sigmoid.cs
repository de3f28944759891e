using System.Runtime.CompilerServices;

namespace FastLstm.Kernels;

internal static unsafe partial class Activation
{
    /// <summary>
    /// σ(x) = 1 / (1 + exp(−x)) lane by lane. Error vs float64: ≤ 2e−7 absolute (a few ulp relative) for every
    /// finite x; σ(+∞) = 1, σ(−∞) = 0 up to 6e−39 (exp saturates, see <see cref="Exp{TOps, TVec}"/>), NaN stays NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TVec Sigmoid<TOps, TVec>(TVec x)
        where TOps : struct, IVectorOps<TVec>
        where TVec : struct
    {
        TVec one = TOps.Broadcast(1f);
        TVec e = Exp<TOps, TVec>(TOps.Subtract(TOps.Broadcast(0f), x));
        TVec s = TOps.Divide(one, TOps.Add(one, e));
        return TOps.Select(TOps.IsOrdered(x), s, x);
    }

    /// <summary>The scalar twin of <see cref="Sigmoid{TOps, TVec}"/>.</summary>
    internal static float Sigmoid(float x)
    {
        float s = 1f / (1f + Exp(0f - x));
        return float.IsNaN(x) ? x : s;
    }
}
