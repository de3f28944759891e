using System.Numerics.Tensors;

namespace FastLstm.Cells;

/// <summary>
/// The fused gate math of one LSTM time step for a block of batch rows (PyTorch gate order i, f, g, o):
/// <code>
/// i = σ(a_i + P_i ⊙ c)   f = σ(a_f + P_f ⊙ c)   g = tanh(a_g)
/// c' = f ⊙ c + i ⊙ g     o = σ(a_o + P_o ⊙ c')  h = o ⊙ tanh(c')
/// </code>
/// where a = W_ih x + b_ih + W_hh h + b_hh arrives as the sum of <c>gates</c> and <c>recurrent</c>, and the
/// peephole terms P are present only when a peephole span is given. Matrix products live elsewhere
/// (<see cref="Kernels.MatrixMultiply"/>); this file is only the elementwise part.
/// </summary>
internal static class LstmCell
{
    /// <param name="batch">Rows B.</param>
    /// <param name="hidden">Hidden size H.</param>
    /// <param name="gates">(B, 4H) in: input projection with both biases; out: activated i|f|g|o.</param>
    /// <param name="recurrent">(B, 4H) W_hh·h(t−1) without bias.</param>
    /// <param name="cPrev">(B, H) c(t−1).</param>
    /// <param name="cNew">(B, H) c(t), written.</param>
    /// <param name="tanhC">(B, H) tanh(c(t)), written; kept for backward.</param>
    /// <param name="h">(B, H) o ⊙ tanh(c(t)), written (before any projection).</param>
    /// <param name="peephole">(3, H) rows P_i, P_f, P_o, or empty.</param>
    public static void Forward(
        int batch, int hidden,
        Span<float> gates, ReadOnlySpan<float> recurrent,
        ReadOnlySpan<float> cPrev, Span<float> cNew, Span<float> tanhC, Span<float> h,
        ReadOnlySpan<float> peephole)
    {
        int g4 = 4 * hidden;
        bool hasPeephole = !peephole.IsEmpty;
        for (int b = 0; b < batch; b++)
        {
            Span<float> row = gates.Slice(b * g4, g4);
            TensorPrimitives.Add(row, recurrent.Slice(b * g4, g4), row);
            Span<float> gi = row.Slice(0, hidden);
            Span<float> gf = row.Slice(hidden, hidden);
            Span<float> gg = row.Slice(2 * hidden, hidden);
            Span<float> go = row.Slice(3 * hidden, hidden);
            ReadOnlySpan<float> c = cPrev.Slice(b * hidden, hidden);
            Span<float> cOut = cNew.Slice(b * hidden, hidden);

            if (hasPeephole)
            {
                TensorPrimitives.MultiplyAdd(peephole.Slice(0, hidden), c, gi, gi);
                TensorPrimitives.MultiplyAdd(peephole.Slice(hidden, hidden), c, gf, gf);
            }

            TensorPrimitives.Sigmoid(row.Slice(0, 2 * hidden), row.Slice(0, 2 * hidden));
            TensorPrimitives.Tanh(gg, gg);

            // c' = f ⊙ c + i ⊙ g
            TensorPrimitives.Multiply(gf, c, cOut);
            TensorPrimitives.MultiplyAdd(gi, gg, cOut, cOut);

            if (hasPeephole)
            {
                TensorPrimitives.MultiplyAdd(peephole.Slice(2 * hidden, hidden), cOut, go, go);
            }

            TensorPrimitives.Sigmoid(go, go);
            Span<float> tc = tanhC.Slice(b * hidden, hidden);
            TensorPrimitives.Tanh(cOut, tc);
            TensorPrimitives.Multiply(go, tc, h.Slice(b * hidden, hidden));
        }
    }

    /// <summary>
    /// Backward of one step for one batch row: from dh (of o ⊙ tanh c') and dc' to the gate pre-activation
    /// gradients, dc(t−1) and the peephole gradients.
    /// </summary>
    /// <param name="hidden">H.</param>
    /// <param name="gates">(4H) activated i|f|g|o of this step.</param>
    /// <param name="cPrev">(H) c(t−1).</param>
    /// <param name="cNew">(H) c(t).</param>
    /// <param name="tanhC">(H) tanh(c(t)).</param>
    /// <param name="dh">(H) gradient reaching o ⊙ tanh(c(t)).</param>
    /// <param name="dc">(H) in: gradient reaching c(t) from later steps; out: gradient of c(t−1).</param>
    /// <param name="dGates">(4H) written: gradients of the pre-activations a_i|a_f|a_g|a_o.</param>
    /// <param name="peephole">(3H) or empty.</param>
    /// <param name="dPeephole">(3H) accumulated, or empty.</param>
    public static void BackwardRow(
        int hidden,
        ReadOnlySpan<float> gates, ReadOnlySpan<float> cPrev, ReadOnlySpan<float> cNew, ReadOnlySpan<float> tanhC,
        ReadOnlySpan<float> dh, Span<float> dc, Span<float> dGates,
        ReadOnlySpan<float> peephole, Span<float> dPeephole)
    {
        bool hasPeephole = !peephole.IsEmpty;
        for (int j = 0; j < hidden; j++)
        {
            float i = gates[j];
            float f = gates[hidden + j];
            float g = gates[(2 * hidden) + j];
            float o = gates[(3 * hidden) + j];
            float tc = tanhC[j];
            float dhj = dh[j];

            float dAo = dhj * tc * o * (1f - o);
            float dcj = dc[j] + (dhj * o * (1f - (tc * tc)));
            if (hasPeephole)
            {
                dcj += dAo * peephole[(2 * hidden) + j];
                dPeephole[(2 * hidden) + j] += dAo * cNew[j];
            }

            float cp = cPrev[j];
            float dAi = dcj * g * i * (1f - i);
            float dAf = dcj * cp * f * (1f - f);
            float dAg = dcj * i * (1f - (g * g));
            float dcPrev = dcj * f;
            if (hasPeephole)
            {
                dcPrev += (dAi * peephole[j]) + (dAf * peephole[hidden + j]);
                dPeephole[j] += dAi * cp;
                dPeephole[hidden + j] += dAf * cp;
            }

            dGates[j] = dAi;
            dGates[hidden + j] = dAf;
            dGates[(2 * hidden) + j] = dAg;
            dGates[(3 * hidden) + j] = dAo;
            dc[j] = dcPrev;
        }
    }
}
