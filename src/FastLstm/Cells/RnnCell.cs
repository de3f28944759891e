using System.Diagnostics;
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
            LaneDispatch.Run<ForwardLanes, Lanes>(new Lanes(count, pg, pr, ph, relu), 0, widest);
        }
    }

    private static unsafe int ForwardVector<TOps, TVec>(in Lanes row, int start)
        where TOps : struct, IVectorOps<TVec>
        where TVec : struct
    {
        TVec zero = TOps.Broadcast(0f);
        int j = start;
        for (; j <= row.Count - TOps.Count; j += TOps.Count)
        {
            TVec a = TOps.Add(TOps.Load(row.A + j), TOps.Load(row.B + j));
            TOps.Store(row.Relu ? TOps.Select(TOps.LessThan(a, zero), zero, a) : Activation.Tanh<TOps, TVec>(a), row.Out + j);
        }

        return j;
    }

    /// <summary>The scalar reference (and tail) of <see cref="ForwardVector{TOps, TVec}"/>.</summary>
    private static unsafe void ForwardScalar(in Lanes row, int start)
    {
        for (int j = start; j < row.Count; j++)
        {
            float a = row.A[j] + row.B[j];
            row.Out[j] = row.Relu ? Relu(a) : Activation.Tanh(a);
        }
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
            LaneDispatch.Run<BackwardLanes, Lanes>(new Lanes(hidden, ph, pdh, pda, relu), 0, widest);
        }
    }

    private static unsafe int BackwardVector<TOps, TVec>(in Lanes row, int start)
        where TOps : struct, IVectorOps<TVec>
        where TVec : struct
    {
        TVec zero = TOps.Broadcast(0f);
        TVec one = TOps.Broadcast(1f);
        int j = start;
        for (; j <= row.Count - TOps.Count; j += TOps.Count)
        {
            TVec hj = TOps.Load(row.A + j);
            TVec g = TOps.Load(row.B + j);
            TOps.Store(row.Relu ? TOps.Select(TOps.LessThan(zero, hj), g, zero) : TOps.Multiply(g, TOps.Subtract(one, TOps.Multiply(hj, hj))), row.Out + j);
        }

        return j;
    }

    /// <summary>The scalar reference (and tail) of <see cref="BackwardVector{TOps, TVec}"/>.</summary>
    private static unsafe void BackwardScalar(in Lanes row, int start)
    {
        for (int j = start; j < row.Count; j++)
        {
            float hj = row.A[j];
            row.Out[j] = row.Relu ? (hj > 0f ? row.B[j] : 0f) : row.B[j] * (1f - (hj * hj));
        }
    }

    private readonly struct ForwardLanes : ILaneKernel<Lanes>
    {
        public static int Vector<TOps, TVec>(in Lanes row, int start)
            where TOps : struct, IVectorOps<TVec>
            where TVec : struct => ForwardVector<TOps, TVec>(in row, start);

        public static void Scalar(in Lanes row, int start) => ForwardScalar(in row, start);
    }

    private readonly struct BackwardLanes : ILaneKernel<Lanes>
    {
        public static int Vector<TOps, TVec>(in Lanes row, int start)
            where TOps : struct, IVectorOps<TVec>
            where TVec : struct => BackwardVector<TOps, TVec>(in row, start);

        public static void Scalar(in Lanes row, int start) => BackwardScalar(in row, start);
    }

    /// <summary>One span of lanes: forward A = gates, B = recurrent, Out = h; backward A = h, B = dh, Out = dA.</summary>
    private readonly unsafe struct Lanes(int count, float* a, float* b, float* output, bool relu)
    {
        public readonly int Count = count;
        public readonly float* A = a;
        public readonly float* B = b;
        public readonly float* Out = output;
        public readonly bool Relu = relu;
    }
}
