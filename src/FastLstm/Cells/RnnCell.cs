using System.Diagnostics;
using System.Numerics.Tensors;
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
    public static void Forward(int count, ReadOnlySpan<float> gates, ReadOnlySpan<float> recurrent, Span<float> h, bool relu)
    {
        Span<float> target = h.Slice(0, count);
        TensorPrimitives.Add(gates.Slice(0, count), recurrent.Slice(0, count), target);
        if (relu)
        {
            TensorPrimitives.Max(target, 0f, target);
        }
        else
        {
            TensorPrimitives.Tanh(target, target);
        }
    }

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
