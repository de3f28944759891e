using System.Diagnostics;
using System.Runtime.Intrinsics;
using FastLstm.Kernels;

namespace FastLstm.Cells;

/// <summary>
/// The elementwise part of one Elman RNN step: h' = act(a), a = W_ih x + b_ih + W_hh h + b_hh, with
/// act = tanh or relu. The derivative is taken from the output: tanh' = 1 − h'², relu' = [h' &gt; 0].
/// </summary>
internal static class RnnCell
{
    /// <param name="count">B·H elements.</param>
    /// <param name="gates">(B, H) input projection with both biases; unchanged.</param>
    /// <param name="recurrent">(B, H) W_hh·h(t−1).</param>
    /// <param name="h">(B, H) h(t), written.</param>
    /// <param name="relu">relu instead of tanh.</param>
    public static void Forward(int count, ReadOnlySpan<float> gates, ReadOnlySpan<float> recurrent, Span<float> h, bool relu) =>
        Forward(count, gates, recurrent, h, relu, Isa.Vector512);

    /// <summary>As the public overload, with vector blocks no wider than <paramref name="widest"/> (tests force each level).
    /// One pass (add, then tanh from <see cref="Activation"/> or relu), so every width and the scalar tail agree bit for bit.</summary>
    internal static unsafe void Forward(int count, ReadOnlySpan<float> gates, ReadOnlySpan<float> recurrent, Span<float> h, bool relu, Isa widest)
    {
        Debug.Assert(gates.Length >= count && recurrent.Length >= count && h.Length >= count, "spans too short");
        fixed (float* pg = gates, pr = recurrent, ph = h)
        {
            int j = 0;
            if (widest >= Isa.Vector512 && VectorOps512.IsAccelerated)
            {
                j = ForwardVector<VectorOps512, Vector512<float>>(count, pg, pr, ph, relu, j);
            }

            if (widest >= Isa.Vector256 && VectorOps256.IsAccelerated)
            {
                j = ForwardVector<VectorOps256, Vector256<float>>(count, pg, pr, ph, relu, j);
            }

            if (widest >= Isa.Vector128 && VectorOps128.IsAccelerated)
            {
                j = ForwardVector<VectorOps128, Vector128<float>>(count, pg, pr, ph, relu, j);
            }

            // The scalar reference (and tail): the same operations as the vector body, lane by lane.
            for (; j < count; j++)
            {
                float a = pg[j] + pr[j];
                ph[j] = relu ? Relu(a) : Activation.Tanh(a);
            }
        }
    }

    private static unsafe int ForwardVector<TOps, TVec>(int count, float* gates, float* recurrent, float* h, bool relu, int start)
        where TOps : struct, IVectorOps<TVec>
        where TVec : struct
    {
        int j = start;
        for (; j <= count - TOps.Count; j += TOps.Count)
        {
            TVec a = TOps.Add(TOps.Load(gates + j), TOps.Load(recurrent + j));
            TVec zero = TOps.Broadcast(0f);
            TOps.Store(relu ? TOps.Select(TOps.LessThan(a, zero), zero, a) : Activation.Tanh<TOps, TVec>(a), h + j);
        }

        return j;
    }

    /// <summary>max(a, 0) by the vector form's rule: 0 where a &lt; 0, else a (so NaN stays NaN, as in PyTorch).</summary>
    private static float Relu(float a) => a < 0f ? 0f : a;

    /// <summary>dA = dh ⊙ act'(a), from the step's output h.</summary>
    public static void BackwardRow(int hidden, ReadOnlySpan<float> h, ReadOnlySpan<float> dh, Span<float> dA, bool relu) =>
        BackwardRow(hidden, h, dh, dA, relu, Isa.Vector512);

    /// <summary>As the public overload, with vector blocks no wider than <paramref name="widest"/> (tests force each level).</summary>
    internal static unsafe void BackwardRow(int hidden, ReadOnlySpan<float> h, ReadOnlySpan<float> dh, Span<float> dA, bool relu, Isa widest)
    {
        Debug.Assert(h.Length >= hidden && dh.Length >= hidden && dA.Length >= hidden, "spans too short");
        fixed (float* ph = h, pdh = dh, pda = dA)
        {
            int j = 0;
            if (widest >= Isa.Vector512 && VectorOps512.IsAccelerated)
            {
                j = BackwardVector<VectorOps512, Vector512<float>>(hidden, ph, pdh, pda, relu, j);
            }

            if (widest >= Isa.Vector256 && VectorOps256.IsAccelerated)
            {
                j = BackwardVector<VectorOps256, Vector256<float>>(hidden, ph, pdh, pda, relu, j);
            }

            if (widest >= Isa.Vector128 && VectorOps128.IsAccelerated)
            {
                j = BackwardVector<VectorOps128, Vector128<float>>(hidden, ph, pdh, pda, relu, j);
            }

            // The scalar reference (and tail): the same operations as the vector body, lane by lane.
            for (; j < hidden; j++)
            {
                float hj = ph[j];
                pda[j] = relu ? (hj > 0f ? pdh[j] : 0f) : pdh[j] * (1f - (hj * hj));
            }
        }
    }

    private static unsafe int BackwardVector<TOps, TVec>(int hidden, float* h, float* dh, float* dA, bool relu, int start)
        where TOps : struct, IVectorOps<TVec>
        where TVec : struct
    {
        TVec zero = TOps.Broadcast(0f);
        TVec one = TOps.Broadcast(1f);
        int j = start;
        for (; j <= hidden - TOps.Count; j += TOps.Count)
        {
            TVec hj = TOps.Load(h + j);
            TVec g = TOps.Load(dh + j);
            TOps.Store(relu ? TOps.Select(TOps.LessThan(zero, hj), g, zero) : TOps.Multiply(g, TOps.Subtract(one, TOps.Multiply(hj, hj))), dA + j);
        }

        return j;
    }
}
