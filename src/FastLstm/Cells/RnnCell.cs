using System.Numerics.Tensors;

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
    public static void BackwardRow(int hidden, ReadOnlySpan<float> h, ReadOnlySpan<float> dh, Span<float> dA, bool relu)
    {
        for (int j = 0; j < hidden; j++)
        {
            float hj = h[j];
            dA[j] = relu ? (hj > 0f ? dh[j] : 0f) : dh[j] * (1f - (hj * hj));
        }
    }
}
