using System.Diagnostics;
using System.Runtime.CompilerServices;
using FastLstm.Kernels;

namespace FastLstm.Cells;

/// <summary>
/// The fused gate math of one LSTM time step for a block of batch rows (PyTorch gate order i, f, g, o):
/// <code>
/// i = σ(a_i + P_i ⊙ c)   f = σ(a_f + P_f ⊙ c)   g = tanh(a_g)
/// c' = f ⊙ c + i ⊙ g     o = σ(a_o + P_o ⊙ c')  h = o ⊙ tanh(c')
/// </code>
/// where a = W_ih x + b_ih + W_hh h + b_hh arrives in <c>gates</c> (plus <c>recurrent</c> when the caller keeps
/// the W_hh product apart), and the peephole terms P are present only when a peephole span is given. Matrix
/// products live elsewhere (<see cref="MatrixMultiply"/>); this file is only the elementwise part.
/// </summary>
/// <remarks>
/// Per row, one loop per gate activation over the lanes, in place, then one loop for c', tanh(c') and h (see
/// <see cref="ForwardVector{TOps, TVec}"/> for why not one fused loop); no temporaries beyond the outputs. Lanes run
/// Vector512 → Vector256 → Vector128 blocks for as long as whole vectors fit, then a scalar tail; all of them compute
/// the same operations in the same order
/// (<see cref="IVectorOps{TVec}"/>, <see cref="Activation"/>), so the result of a unit does not depend on its lane
/// position, the vector width or the machine. The scalar path (<see cref="ForwardScalar"/>,
/// <see cref="BackwardScalar"/>) is the reference the tests compare the vector bodies to.
/// </remarks>
[SkipLocalsInit]
internal static unsafe class LstmCell
{
    /// <param name="batch">Rows B.</param>
    /// <param name="hidden">Hidden size H.</param>
    /// <param name="gates">(B, 4H) in: the pre-activations (input projection with both biases, plus W_hh·h unless
    /// <paramref name="recurrent"/> carries it); out: activated i|f|g|o.</param>
    /// <param name="recurrent">(B, 4H) W_hh·h(t−1) without bias, or empty when already added into <paramref name="gates"/>.</param>
    /// <param name="cPrev">(B, H) c(t−1).</param>
    /// <param name="cNew">(B, H) c(t), written.</param>
    /// <param name="tanhC">(B, H) tanh(c(t)), written; kept for backward.</param>
    /// <param name="h">(B, H) o ⊙ tanh(c(t)), written (before any projection).</param>
    /// <param name="peephole">(3, H) rows P_i, P_f, P_o, or empty.</param>
    public static void Forward(
        int batch, int hidden,
        Span<float> gates, ReadOnlySpan<float> recurrent,
        ReadOnlySpan<float> cPrev, Span<float> cNew, Span<float> tanhC, Span<float> h,
        ReadOnlySpan<float> peephole) =>
        Forward(batch, hidden, gates, recurrent, cPrev, cNew, tanhC, h, peephole, Isa.Vector512);

    /// <summary>As the public overload, with vector blocks no wider than <paramref name="widest"/> (tests force each level).</summary>
    internal static void Forward(
        int batch, int hidden,
        Span<float> gates, ReadOnlySpan<float> recurrent,
        ReadOnlySpan<float> cPrev, Span<float> cNew, Span<float> tanhC, Span<float> h,
        ReadOnlySpan<float> peephole, Isa widest) =>
        Forward(batch, hidden, 0, hidden, gates, recurrent, cPrev, cNew, tanhC, h, peephole, widest);

    /// <summary>
    /// As the public overload for the units [<paramref name="unitStart"/>, <paramref name="unitEnd"/>) of every row
    /// only: how threads split one step's hidden units. Spans are the whole rows, as in the public overload.
    /// </summary>
    internal static void Forward(
        int batch, int hidden, int unitStart, int unitEnd,
        Span<float> gates, ReadOnlySpan<float> recurrent,
        ReadOnlySpan<float> cPrev, Span<float> cNew, Span<float> tanhC, Span<float> h,
        ReadOnlySpan<float> peephole, Isa widest = Isa.Vector512)
    {
        int g4 = 4 * hidden;
        Debug.Assert(gates.Length >= batch * g4 && (recurrent.IsEmpty || recurrent.Length >= batch * g4), "gates too short");
        Debug.Assert(cPrev.Length >= batch * hidden && cNew.Length >= batch * hidden, "cell state too short");
        Debug.Assert(tanhC.Length >= batch * hidden && h.Length >= batch * hidden, "outputs too short");
        Debug.Assert(peephole.IsEmpty || peephole.Length >= 3 * hidden, "peephole too short");
        Debug.Assert(0 <= unitStart && unitStart <= unitEnd && unitEnd <= hidden, "bad unit range");
        if (batch <= 0 || unitStart == unitEnd)
        {
            return;
        }

        fixed (float* pg = gates, pr = recurrent, pc = cPrev, pn = cNew, pt = tanhC, ph = h, pp = peephole)
        {
            for (int b = 0; b < batch; b++)
            {
                var row = new Row(
                    hidden, unitEnd, pg + (b * g4), pr == null ? null : pr + (b * g4), pc + (b * hidden), pn + (b * hidden),
                    pt + (b * hidden), ph + (b * hidden), pp);
                LaneDispatch.Run<ForwardLanes, Row>(in row, unitStart, widest);
            }
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
        ReadOnlySpan<float> peephole, Span<float> dPeephole) =>
        BackwardRow(hidden, gates, cPrev, cNew, tanhC, dh, dc, dGates, peephole, dPeephole, Isa.Vector512);

    /// <summary>As the public overload, with vector blocks no wider than <paramref name="widest"/> (tests force each level).</summary>
    internal static void BackwardRow(
        int hidden,
        ReadOnlySpan<float> gates, ReadOnlySpan<float> cPrev, ReadOnlySpan<float> cNew, ReadOnlySpan<float> tanhC,
        ReadOnlySpan<float> dh, Span<float> dc, Span<float> dGates,
        ReadOnlySpan<float> peephole, Span<float> dPeephole, Isa widest)
    {
        Debug.Assert(gates.Length >= 4 * hidden && dGates.Length >= 4 * hidden, "gates too short");
        Debug.Assert(cPrev.Length >= hidden && cNew.Length >= hidden && tanhC.Length >= hidden, "states too short");
        Debug.Assert(dh.Length >= hidden && dc.Length >= hidden, "gradients too short");
        Debug.Assert(peephole.IsEmpty || (peephole.Length >= 3 * hidden && dPeephole.Length >= 3 * hidden), "peephole too short");
        if (hidden <= 0)
        {
            return;
        }

        fixed (float* pg = gates, pc = cPrev, pn = cNew, pt = tanhC, pdh = dh, pdc = dc, pdg = dGates, pp = peephole, pdp = dPeephole)
        {
            var row = new GradientRow(hidden, pg, pc, pn, pt, pdh, pdc, pdg, pp, pp == null ? null : pdp);
            LaneDispatch.Run<BackwardLanes, GradientRow>(in row, 0, widest);
        }
    }

    /// <summary>Forward lanes [start, …) in whole vectors of TVec; returns the first lane left over.</summary>
    /// <remarks>
    /// One loop per gate activation, then one for c', tanh(c') and h. In a single loop the four inlined σ/tanh bodies
    /// keep about 40 vectors live, and with AVX2's 16 registers the JIT spilled most of them to the stack on every block
    /// (4.1–4.9 ns per unit with AVX-512 switched off, against 2.0–2.3 with Vector512's 32 registers); one activation per
    /// loop fits the registers, and its blocks are independent, so the core overlaps them (3.1–3.8 ns per unit with
    /// AVX-512 off; Vector512 unchanged). The arithmetic of each lane is unchanged, so the bits are too.
    /// </remarks>
    internal static int ForwardVector<TOps, TVec>(in Row row, int start)
        where TOps : struct, IVectorOps<TVec>
        where TVec : struct
    {
        int hidden = row.Hidden;
        float* gi = row.Gates;
        float* gf = gi + hidden;
        float* gg = gf + hidden;
        float* go = gg + hidden;
        float* r = row.Recurrent;
        float* p = row.Peephole;
        int end = start + ((row.End - start) / TOps.Count * TOps.Count);
        if (end == start)
        {
            return start;
        }

        Activation.ApplyGate<TOps, TVec, Activation.SigmoidFunction>(gi, r, p, row.CPrev, start, end);
        Activation.ApplyGate<TOps, TVec, Activation.SigmoidFunction>(gf, r == null ? null : r + hidden, p == null ? null : p + hidden, row.CPrev, start, end);
        Activation.ApplyGate<TOps, TVec, Activation.TanhFunction>(gg, r == null ? null : r + (2 * hidden), null, null, start, end);
        float* ro = r == null ? null : r + (3 * hidden);
        if (p == null)
        {
            Activation.ApplyGate<TOps, TVec, Activation.SigmoidFunction>(go, ro, null, null, start, end);
        }

        for (int j = start; j < end; j += TOps.Count)
        {
            TVec cNew = TOps.MultiplyAdd(TOps.Load(gf + j), TOps.Load(row.CPrev + j), TOps.Multiply(TOps.Load(gi + j), TOps.Load(gg + j)));
            TVec o = TOps.Load(go + j);
            if (p != null)
            {
                // With peepholes o looks at c', so its activation waits for this loop.
                if (ro != null)
                {
                    o = TOps.Add(o, TOps.Load(ro + j));
                }

                o = Activation.Sigmoid<TOps, TVec>(TOps.MultiplyAdd(TOps.Load(p + (2 * hidden) + j), cNew, o));
                TOps.Store(o, go + j);
            }

            TVec t = Activation.Tanh<TOps, TVec>(cNew);
            TOps.Store(cNew, row.CNew + j);
            TOps.Store(t, row.TanhC + j);
            TOps.Store(TOps.Multiply(o, t), row.H + j);
        }

        return end;
    }

    /// <summary>The scalar reference of <see cref="ForwardVector{TOps, TVec}"/>, for lanes [start, H).</summary>
    internal static void ForwardScalar(in Row row, int start)
    {
        int hidden = row.Hidden;
        float* gi = row.Gates;
        float* gf = gi + hidden;
        float* gg = gf + hidden;
        float* go = gg + hidden;
        float* r = row.Recurrent;
        float* p = row.Peephole;
        for (int j = start; j < row.End; j++)
        {
            float ai = gi[j];
            float af = gf[j];
            float ag = gg[j];
            float ao = go[j];
            if (r != null)
            {
                ai += r[j];
                af += r[hidden + j];
                ag += r[(2 * hidden) + j];
                ao += r[(3 * hidden) + j];
            }

            float c = row.CPrev[j];
            if (p != null)
            {
                ai = MathF.FusedMultiplyAdd(p[j], c, ai);
                af = MathF.FusedMultiplyAdd(p[hidden + j], c, af);
            }

            float i = Activation.Sigmoid(ai);
            float f = Activation.Sigmoid(af);
            float g = Activation.Tanh(ag);
            float cNew = MathF.FusedMultiplyAdd(f, c, i * g);
            if (p != null)
            {
                ao = MathF.FusedMultiplyAdd(p[(2 * hidden) + j], cNew, ao);
            }

            float o = Activation.Sigmoid(ao);
            float t = Activation.Tanh(cNew);
            gi[j] = i;
            gf[j] = f;
            gg[j] = g;
            go[j] = o;
            row.CNew[j] = cNew;
            row.TanhC[j] = t;
            row.H[j] = o * t;
        }
    }

    /// <summary>Backward lanes [start, …) in whole vectors of TVec; returns the first lane left over.</summary>
    internal static int BackwardVector<TOps, TVec>(in GradientRow row, int start)
        where TOps : struct, IVectorOps<TVec>
        where TVec : struct
    {
        int hidden = row.Hidden;
        float* p = row.Peephole;
        float* dp = row.DPeephole;
        TVec one = TOps.Broadcast(1f);
        int j = start;
        for (; j <= hidden - TOps.Count; j += TOps.Count)
        {
            TVec i = TOps.Load(row.Gates + j);
            TVec f = TOps.Load(row.Gates + hidden + j);
            TVec g = TOps.Load(row.Gates + (2 * hidden) + j);
            TVec o = TOps.Load(row.Gates + (3 * hidden) + j);
            TVec tc = TOps.Load(row.TanhC + j);
            TVec dh = TOps.Load(row.Dh + j);

            // dA_o = dh·tanh(c')·σ'(a_o);  dc' += dh·o·(1 − tanh²(c'))
            TVec dAo = TOps.Multiply(TOps.Multiply(TOps.Multiply(dh, tc), o), TOps.Subtract(one, o));
            TVec dc = TOps.Add(TOps.Load(row.Dc + j), TOps.Multiply(TOps.Multiply(dh, o), TOps.Subtract(one, TOps.Multiply(tc, tc))));
            if (p != null)
            {
                dc = TOps.Add(dc, TOps.Multiply(dAo, TOps.Load(p + (2 * hidden) + j)));
                float* dpo = dp + (2 * hidden) + j;
                TOps.Store(TOps.Add(TOps.Load(dpo), TOps.Multiply(dAo, TOps.Load(row.CNew + j))), dpo);
            }

            TVec cp = TOps.Load(row.CPrev + j);
            TVec dAi = TOps.Multiply(TOps.Multiply(TOps.Multiply(dc, g), i), TOps.Subtract(one, i));
            TVec dAf = TOps.Multiply(TOps.Multiply(TOps.Multiply(dc, cp), f), TOps.Subtract(one, f));
            TVec dAg = TOps.Multiply(TOps.Multiply(dc, i), TOps.Subtract(one, TOps.Multiply(g, g)));
            TVec dcPrev = TOps.Multiply(dc, f);
            if (p != null)
            {
                dcPrev = TOps.Add(dcPrev, TOps.Add(TOps.Multiply(dAi, TOps.Load(p + j)), TOps.Multiply(dAf, TOps.Load(p + hidden + j))));
                TOps.Store(TOps.Add(TOps.Load(dp + j), TOps.Multiply(dAi, cp)), dp + j);
                TOps.Store(TOps.Add(TOps.Load(dp + hidden + j), TOps.Multiply(dAf, cp)), dp + hidden + j);
            }

            TOps.Store(dAi, row.DGates + j);
            TOps.Store(dAf, row.DGates + hidden + j);
            TOps.Store(dAg, row.DGates + (2 * hidden) + j);
            TOps.Store(dAo, row.DGates + (3 * hidden) + j);
            TOps.Store(dcPrev, row.Dc + j);
        }

        return j;
    }

    /// <summary>The scalar reference of <see cref="BackwardVector{TOps, TVec}"/>, for lanes [start, H).</summary>
    internal static void BackwardScalar(in GradientRow row, int start)
    {
        int hidden = row.Hidden;
        float* p = row.Peephole;
        float* dp = row.DPeephole;
        for (int j = start; j < hidden; j++)
        {
            float i = row.Gates[j];
            float f = row.Gates[hidden + j];
            float g = row.Gates[(2 * hidden) + j];
            float o = row.Gates[(3 * hidden) + j];
            float tc = row.TanhC[j];
            float dh = row.Dh[j];

            float dAo = dh * tc * o * (1f - o);
            float dc = row.Dc[j] + (dh * o * (1f - (tc * tc)));
            if (p != null)
            {
                dc += dAo * p[(2 * hidden) + j];
                dp[(2 * hidden) + j] += dAo * row.CNew[j];
            }

            float cp = row.CPrev[j];
            float dAi = dc * g * i * (1f - i);
            float dAf = dc * cp * f * (1f - f);
            float dAg = dc * i * (1f - (g * g));
            float dcPrev = dc * f;
            if (p != null)
            {
                dcPrev += (dAi * p[j]) + (dAf * p[hidden + j]);
                dp[j] += dAi * cp;
                dp[hidden + j] += dAf * cp;
            }

            row.DGates[j] = dAi;
            row.DGates[hidden + j] = dAf;
            row.DGates[(2 * hidden) + j] = dAg;
            row.DGates[(3 * hidden) + j] = dAo;
            row.Dc[j] = dcPrev;
        }
    }

    private readonly struct ForwardLanes : ILaneKernel<Row>
    {
        public static int Vector<TOps, TVec>(in Row row, int start)
            where TOps : struct, IVectorOps<TVec>
            where TVec : struct => ForwardVector<TOps, TVec>(in row, start);

        public static void Scalar(in Row row, int start) => ForwardScalar(in row, start);
    }

    private readonly struct BackwardLanes : ILaneKernel<GradientRow>
    {
        public static int Vector<TOps, TVec>(in GradientRow row, int start)
            where TOps : struct, IVectorOps<TVec>
            where TVec : struct => BackwardVector<TOps, TVec>(in row, start);

        public static void Scalar(in GradientRow row, int start) => BackwardScalar(in row, start);
    }

    /// <summary>The pointers of one batch row of a forward step; Recurrent and Peephole may be null.</summary>
    internal readonly struct Row(int hidden, int end, float* gates, float* recurrent, float* cPrev, float* cNew, float* tanhC, float* h, float* peephole)
    {
        public readonly int Hidden = hidden;           // H: the stride between gate blocks
        public readonly int End = end;                 // one past the last unit to compute
        public readonly float* Gates = gates;          // (4H) pre-activations in, activated gates out
        public readonly float* Recurrent = recurrent;  // (4H) or null
        public readonly float* CPrev = cPrev;          // (H)
        public readonly float* CNew = cNew;            // (H)
        public readonly float* TanhC = tanhC;          // (H)
        public readonly float* H = h;                  // (H)
        public readonly float* Peephole = peephole;    // (3H) or null
    }

    /// <summary>The pointers of one batch row of a backward step; Peephole and DPeephole may be null.</summary>
    internal readonly struct GradientRow(
        int hidden, float* gates, float* cPrev, float* cNew, float* tanhC, float* dh, float* dc, float* dGates, float* peephole, float* dPeephole)
    {
        public readonly int Hidden = hidden;
        public readonly float* Gates = gates;          // (4H) activated i|f|g|o
        public readonly float* CPrev = cPrev;          // (H)
        public readonly float* CNew = cNew;            // (H)
        public readonly float* TanhC = tanhC;          // (H)
        public readonly float* Dh = dh;                // (H)
        public readonly float* Dc = dc;                // (H) in dc(t), out dc(t−1)
        public readonly float* DGates = dGates;        // (4H) written
        public readonly float* Peephole = peephole;    // (3H) or null
        public readonly float* DPeephole = dPeephole;  // (3H) or null
    }
}
