using System.Diagnostics;
using System.Numerics.Tensors;
using FastLstm.Kernels;

namespace FastLstm.Cells;

/// <summary>
/// The elementwise part of one GRU step, PyTorch gate order r, z, n:
/// <code>
/// r = σ(a_r)   z = σ(a_z)   h' = (1 − z) ⊙ n + z ⊙ h
/// n = tanh(x_n + r ⊙ hn),  hn = W_hn h + b_hn          (linear_before_reset = 1, PyTorch)
/// n = tanh(x_n + hn),      hn = W_hn (r ⊙ h) + b_hn    (linear_before_reset = 0, original)
/// </code>
/// with a_r, a_z = W_i· x + b_i· + W_h· h + b_h· and x_n = W_in x + b_in. The first form is one call after the
/// product (<see cref="ForwardUnits(int, int, int, int, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, ReadOnlySpan{float}, Span{float})"/>); the second needs r before its matrix product, so its step is split in two:
/// <see cref="ForwardResetUpdate"/>, then the caller's product, then <see cref="ForwardCandidate"/>.
/// </summary>
internal static class GruCell
{
    /// <summary>r and z: gates[r|z] += recurrent[r|z], then σ, for every row.</summary>
    /// <param name="batch">B.</param>
    /// <param name="hidden">H.</param>
    /// <param name="gates">(B, 3H) in: x projection (r, z with both biases, n with b_in); out: r|z activated.</param>
    /// <param name="recurrent">(B, 3H) W_hh·h for r and z (the n block is not read).</param>
    public static void ForwardResetUpdate(int batch, int hidden, Span<float> gates, ReadOnlySpan<float> recurrent)
    {
        int g3 = 3 * hidden;
        for (int b = 0; b < batch; b++)
        {
            Span<float> rz = gates.Slice(b * g3, 2 * hidden);
            TensorPrimitives.Add(rz, recurrent.Slice(b * g3, 2 * hidden), rz);
            TensorPrimitives.Sigmoid(rz, rz);
        }
    }

    /// <summary>n and h' of the original form (linear_before_reset = 0), whose reset gate was applied before the product.</summary>
    /// <param name="batch">B.</param>
    /// <param name="hidden">H.</param>
    /// <param name="gates">(B, 3H) in: r|z activated, x_n; out: n block activated.</param>
    /// <param name="hn">(B, H) W_hn (r ⊙ h) + b_hn.</param>
    /// <param name="hPrev">(B, H) h(t−1).</param>
    /// <param name="h">(B, H) h(t), written.</param>
    public static void ForwardCandidate(int batch, int hidden, Span<float> gates, ReadOnlySpan<float> hn, ReadOnlySpan<float> hPrev, Span<float> h)
    {
        int g3 = 3 * hidden;
        for (int b = 0; b < batch; b++)
        {
            Span<float> row = gates.Slice(b * g3, g3);
            ReadOnlySpan<float> z = row.Slice(hidden, hidden);
            Span<float> n = row.Slice(2 * hidden, hidden);
            TensorPrimitives.Add(n, hn.Slice(b * hidden, hidden), n);
            TensorPrimitives.Tanh(n, n);

            // h' = n + z ⊙ (h − n)
            Span<float> hOut = h.Slice(b * hidden, hidden);
            TensorPrimitives.Subtract(hPrev.Slice(b * hidden, hidden), n, hOut);
            TensorPrimitives.MultiplyAdd(z, hOut, n, hOut);
        }
    }

    /// <summary>
    /// The whole cell of PyTorch's form (linear_before_reset = 1) for the hidden units [<paramref name="u0"/>,
    /// <paramref name="u1"/>) of every row: r and z, hn = W_hn h + b_hn (kept in <paramref name="hn"/> for backward), n
    /// and h'. One thread's share when a step is split by units, and the whole step with (0, H), so a split gives the
    /// same bits. <paramref name="recurrent"/> (B, 3H) holds W_hh·h of those units' r, z and n columns.
    /// </summary>
    public static void ForwardUnits(
        int batch, int hidden, int u0, int u1, Span<float> gates, ReadOnlySpan<float> recurrent, ReadOnlySpan<float> hiddenNewBias,
        Span<float> hn, ReadOnlySpan<float> hPrev, Span<float> h) =>
        ForwardUnits(batch, hidden, u0, u1, gates, recurrent, hiddenNewBias, hn, hPrev, h, Isa.Vector512);

    /// <summary>As the public overload, with vector blocks no wider than <paramref name="widest"/> (tests force each level).</summary>
    /// <remarks>Three loops per row, as in <see cref="LstmCell"/>: r, then z (<see cref="Activation.ApplyGate"/>), then hn,
    /// n and h', with σ and tanh from <see cref="Activation"/>, whose scalar twins make the tail and every width agree bit
    /// for bit. (Nine TensorPrimitives passes did the same at 3.2 ns per unit; this takes 1.5.)</remarks>
    internal static unsafe void ForwardUnits(
        int batch, int hidden, int u0, int u1, Span<float> gates, ReadOnlySpan<float> recurrent, ReadOnlySpan<float> hiddenNewBias,
        Span<float> hn, ReadOnlySpan<float> hPrev, Span<float> h, Isa widest)
    {
        int g3 = 3 * hidden;
        Debug.Assert(gates.Length >= batch * g3 && recurrent.Length >= batch * g3, "gates too short");
        Debug.Assert(hn.Length >= batch * hidden && hPrev.Length >= batch * hidden && h.Length >= batch * hidden, "states too short");
        Debug.Assert(hiddenNewBias.IsEmpty || hiddenNewBias.Length >= hidden, "bias too short");
        Debug.Assert(0 <= u0 && u0 <= u1 && u1 <= hidden, "bad unit range");
        if (batch <= 0 || u0 == u1)
        {
            return;
        }

        fixed (float* pg = gates, pr = recurrent, pb = hiddenNewBias, pn = hn, pp = hPrev, ph = h)
        {
            for (int b = 0; b < batch; b++)
            {
                var row = new UnitRow(hidden, u1, pg + (b * g3), pr + (b * g3), pb, pn + (b * hidden), pp + (b * hidden), ph + (b * hidden));
                LaneDispatch.Run<ForwardLanes, UnitRow>(in row, u0, widest);
            }
        }
    }

    /// <summary>Lanes [start, …) of one row in whole vectors of TVec; returns the first lane left over.</summary>
    private static unsafe int ForwardUnitsVector<TOps, TVec>(in UnitRow row, int start)
        where TOps : struct, IVectorOps<TVec>
        where TVec : struct
    {
        int hidden = row.Hidden;
        float* gr = row.Gates;
        float* gz = gr + hidden;
        float* gn = gz + hidden;
        float* rr = row.Recurrent;
        float* rz = rr + hidden;
        float* rn = rz + hidden;
        int end = start + ((row.End - start) / TOps.Count * TOps.Count);
        Activation.ApplyGate<TOps, TVec, Activation.SigmoidFunction>(gr, rr, null, null, start, end);
        Activation.ApplyGate<TOps, TVec, Activation.SigmoidFunction>(gz, rz, null, null, start, end);
        for (int j = start; j < end; j += TOps.Count)
        {
            TVec hnj = TOps.Load(rn + j);
            if (row.HiddenNewBias != null)
            {
                hnj = TOps.Add(hnj, TOps.Load(row.HiddenNewBias + j));
            }

            TVec n = Activation.Tanh<TOps, TVec>(TOps.MultiplyAdd(TOps.Load(gr + j), hnj, TOps.Load(gn + j)));

            // h' = z ⊙ (h − n) + n
            TVec hNew = TOps.MultiplyAdd(TOps.Load(gz + j), TOps.Subtract(TOps.Load(row.HPrev + j), n), n);
            TOps.Store(n, gn + j);
            TOps.Store(hnj, row.Hn + j);
            TOps.Store(hNew, row.H + j);
        }

        return end;
    }

    /// <summary>The scalar reference of <see cref="ForwardUnitsVector{TOps, TVec}"/>, for lanes [start, End).</summary>
    private static unsafe void ForwardUnitsScalar(in UnitRow row, int start)
    {
        int hidden = row.Hidden;
        float* gr = row.Gates;
        float* gz = gr + hidden;
        float* gn = gz + hidden;
        float* rr = row.Recurrent;
        float* rz = rr + hidden;
        float* rn = rz + hidden;
        for (int j = start; j < row.End; j++)
        {
            float r = Activation.Sigmoid(gr[j] + rr[j]);
            float z = Activation.Sigmoid(gz[j] + rz[j]);
            float hnj = rn[j];
            if (row.HiddenNewBias != null)
            {
                hnj += row.HiddenNewBias[j];
            }

            float n = Activation.Tanh(MathF.FusedMultiplyAdd(r, hnj, gn[j]));
            float hNew = MathF.FusedMultiplyAdd(z, row.HPrev[j] - n, n);
            gr[j] = r;
            gz[j] = z;
            gn[j] = n;
            row.Hn[j] = hnj;
            row.H[j] = hNew;
        }
    }

    private readonly struct ForwardLanes : ILaneKernel<UnitRow>
    {
        public static int Vector<TOps, TVec>(in UnitRow row, int start)
            where TOps : struct, IVectorOps<TVec>
            where TVec : struct => ForwardUnitsVector<TOps, TVec>(in row, start);

        public static void Scalar(in UnitRow row, int start) => ForwardUnitsScalar(in row, start);
    }

    private readonly struct BackwardLanes : ILaneKernel<GradientRow>
    {
        public static int Vector<TOps, TVec>(in GradientRow row, int start)
            where TOps : struct, IVectorOps<TVec>
            where TVec : struct => BackwardVector<TOps, TVec>(in row, start);

        public static void Scalar(in GradientRow row, int start) => BackwardScalar(in row, start);
    }

    /// <summary>The pointers of one batch row of a PyTorch-form forward step; HiddenNewBias may be null.</summary>
    private readonly unsafe struct UnitRow(int hidden, int end, float* gates, float* recurrent, float* hiddenNewBias, float* hn, float* hPrev, float* h)
    {
        public readonly int Hidden = hidden;                 // H: the stride between gate blocks
        public readonly int End = end;                       // one past the last unit to compute
        public readonly float* Gates = gates;                // (3H) pre-activations in, activated r|z|n out
        public readonly float* Recurrent = recurrent;        // (3H) W_hh·h, no bias
        public readonly float* HiddenNewBias = hiddenNewBias; // (H) b_hn or null
        public readonly float* Hn = hn;                      // (H) written: W_hn·h + b_hn
        public readonly float* HPrev = hPrev;                // (H)
        public readonly float* H = h;                        // (H) written
    }

    /// <summary>
    /// First half of the backward of one row: from dh' to the n and z pre-activation gradients and the direct
    /// dh(t−1) term z ⊙ dh'. For linear_before_reset = 1 it also finishes r; for 0 the caller must first
    /// form d(r ⊙ h) = W_hnᵀ·dA_n and then call <see cref="BackwardResetOriginal"/>.
    /// </summary>
    /// <param name="hidden">H.</param>
    /// <param name="gates">(3H) activated r|z|n.</param>
    /// <param name="hn">(H) the recurrent n term of this step (linear_before_reset = 1 only).</param>
    /// <param name="hPrev">(H) h(t−1).</param>
    /// <param name="dh">(H) gradient reaching h(t).</param>
    /// <param name="dGatesInput">(3H) written: gradient of the x-side pre-activations (r|z|x_n).</param>
    /// <param name="dGatesHidden">(3H) written: gradient of the h-side pre-activations (r|z|hn).</param>
    /// <param name="dhPrev">(H) accumulated: the direct z ⊙ dh' term.</param>
    /// <param name="linearBeforeReset">The form.</param>
    public static void BackwardRow(
        int hidden, ReadOnlySpan<float> gates, ReadOnlySpan<float> hn, ReadOnlySpan<float> hPrev, ReadOnlySpan<float> dh,
        Span<float> dGatesInput, Span<float> dGatesHidden, Span<float> dhPrev, bool linearBeforeReset) =>
        BackwardRow(hidden, gates, hn, hPrev, dh, dGatesInput, dGatesHidden, dhPrev, linearBeforeReset, Isa.Vector512);

    /// <summary>As the public overload, with vector blocks no wider than <paramref name="widest"/> (tests force each level).</summary>
    internal static unsafe void BackwardRow(
        int hidden, ReadOnlySpan<float> gates, ReadOnlySpan<float> hn, ReadOnlySpan<float> hPrev, ReadOnlySpan<float> dh,
        Span<float> dGatesInput, Span<float> dGatesHidden, Span<float> dhPrev, bool linearBeforeReset, Isa widest)
    {
        Debug.Assert(gates.Length >= 3 * hidden && dGatesInput.Length >= 3 * hidden && dGatesHidden.Length >= 3 * hidden, "gates too short");
        Debug.Assert(hPrev.Length >= hidden && dh.Length >= hidden && dhPrev.Length >= hidden, "rows too short");
        Debug.Assert(!linearBeforeReset || hn.Length >= hidden, "hn too short");
        fixed (float* pg = gates, phn = hn, php = hPrev, pdh = dh, pdi = dGatesInput, pdg = dGatesHidden, pdp = dhPrev)
        {
            var row = new GradientRow(hidden, pg, linearBeforeReset ? phn : null, php, pdh, pdi, pdg, pdp);
            LaneDispatch.Run<BackwardLanes, GradientRow>(in row, 0, widest);
        }
    }

    private static unsafe int BackwardVector<TOps, TVec>(in GradientRow row, int start)
        where TOps : struct, IVectorOps<TVec>
        where TVec : struct
    {
        int hidden = row.Hidden;
        TVec one = TOps.Broadcast(1f);
        int j = start;
        for (; j <= hidden - TOps.Count; j += TOps.Count)
        {
            // Lanes j … j + Count − 1 of the r, z and n blocks (H apart).
            TVec r = TOps.Load(row.Gates + j);
            TVec z = TOps.Load(row.Gates + hidden + j);
            TVec n = TOps.Load(row.Gates + (2 * hidden) + j);
            TVec dh = TOps.Load(row.Dh + j);

            TVec dAn = TOps.Multiply(TOps.Multiply(dh, TOps.Subtract(one, z)), TOps.Subtract(one, TOps.Multiply(n, n)));
            TVec dAz = TOps.Multiply(TOps.Multiply(TOps.Multiply(dh, TOps.Subtract(TOps.Load(row.HPrev + j), n)), z), TOps.Subtract(one, z));
            TOps.Store(TOps.Add(TOps.Load(row.DhPrev + j), TOps.Multiply(dh, z)), row.DhPrev + j);

            TOps.Store(dAz, row.DGatesInput + hidden + j);
            TOps.Store(dAz, row.DGatesHidden + hidden + j);
            TOps.Store(dAn, row.DGatesInput + (2 * hidden) + j);
            if (row.Hn != null)
            {
                TVec dAr = TOps.Multiply(TOps.Multiply(TOps.Multiply(dAn, TOps.Load(row.Hn + j)), r), TOps.Subtract(one, r));
                TOps.Store(TOps.Multiply(dAn, r), row.DGatesHidden + (2 * hidden) + j);
                TOps.Store(dAr, row.DGatesInput + j);
                TOps.Store(dAr, row.DGatesHidden + j);
            }
            else
            {
                TOps.Store(dAn, row.DGatesHidden + (2 * hidden) + j);
            }
        }

        return j;
    }

    /// <summary>The scalar reference of <see cref="BackwardVector{TOps, TVec}"/>, for lanes [start, H).</summary>
    private static unsafe void BackwardScalar(in GradientRow row, int start)
    {
        int hidden = row.Hidden;
        for (int j = start; j < hidden; j++)
        {
            float r = row.Gates[j];
            float z = row.Gates[hidden + j];
            float n = row.Gates[(2 * hidden) + j];
            float dhj = row.Dh[j];

            float dAn = dhj * (1f - z) * (1f - (n * n));
            float dAz = dhj * (row.HPrev[j] - n) * z * (1f - z);
            row.DhPrev[j] += dhj * z;

            row.DGatesInput[hidden + j] = dAz;
            row.DGatesHidden[hidden + j] = dAz;
            row.DGatesInput[(2 * hidden) + j] = dAn;
            if (row.Hn != null)
            {
                float dAr = dAn * row.Hn[j] * r * (1f - r);
                row.DGatesHidden[(2 * hidden) + j] = dAn * r;
                row.DGatesInput[j] = dAr;
                row.DGatesHidden[j] = dAr;
            }
            else
            {
                row.DGatesHidden[(2 * hidden) + j] = dAn;
            }
        }
    }

    /// <summary>The pointers of one row of the GRU backward; Hn is null for linear_before_reset = 0.</summary>
    private readonly unsafe struct GradientRow(int hidden, float* gates, float* hn, float* hPrev, float* dh, float* dGatesInput, float* dGatesHidden, float* dhPrev)
    {
        public readonly int Hidden = hidden;
        public readonly float* Gates = gates;                // (3H) activated r|z|n
        public readonly float* Hn = hn;                      // (H) or null
        public readonly float* HPrev = hPrev;                // (H)
        public readonly float* Dh = dh;                      // (H)
        public readonly float* DGatesInput = dGatesInput;    // (3H) written
        public readonly float* DGatesHidden = dGatesHidden;  // (3H) written
        public readonly float* DhPrev = dhPrev;              // (H) accumulated
    }

    /// <summary>Second half for linear_before_reset = 0: from d(r ⊙ h) to the r pre-activation and dh(t−1).</summary>
    /// <param name="hidden">H.</param>
    /// <param name="gates">(3H) activated r|z|n.</param>
    /// <param name="hPrev">(H) h(t−1).</param>
    /// <param name="dResetHidden">(H) d(r ⊙ h).</param>
    /// <param name="dGatesInput">(3H) r block written.</param>
    /// <param name="dGatesHidden">(3H) r block written.</param>
    /// <param name="dhPrev">(H) accumulated: r ⊙ d(r ⊙ h).</param>
    public static void BackwardResetOriginal(
        int hidden, ReadOnlySpan<float> gates, ReadOnlySpan<float> hPrev, ReadOnlySpan<float> dResetHidden,
        Span<float> dGatesInput, Span<float> dGatesHidden, Span<float> dhPrev)
    {
        for (int j = 0; j < hidden; j++)
        {
            float r = gates[j];
            float drh = dResetHidden[j];
            float dAr = drh * hPrev[j] * r * (1f - r);
            dGatesInput[j] = dAr;
            dGatesHidden[j] = dAr;
            dhPrev[j] += drh * r;
        }
    }
}
