using FastLstm.Cells;
using FastLstm.Kernels;

namespace FastLstm;

public sealed partial class RecurrentLayer
{
    /// <summary>
    /// Writes the bias that can be folded into the input projection: b_ih + b_hh for every gate, except the
    /// GRU's n gate, whose b_hn belongs inside the reset product and is added per step instead.
    /// </summary>
    internal void CombineBias(UnitWeights unit, Span<float> combined)
    {
        int gatesHidden = GateCount * Options.HiddenSize;
        Span<float> target = combined.Slice(0, gatesHidden);
        if (unit.InputBias is null || unit.HiddenBias is null)
        {
            target.Clear();
            return;
        }

        unit.InputBias.Values.CopyTo(target);
        int folded = Options.Cell == CellKind.Gru ? 2 * Options.HiddenSize : gatesHidden;
        System.Numerics.Tensors.TensorPrimitives.Add(target.Slice(0, folded), unit.HiddenBias.Values.Slice(0, folded), target.Slice(0, folded));
    }

    /// <summary>Fills rows (M, G·H) with the folded bias, then adds x·W_ihᵀ: the input projection of M = T·B or B rows.</summary>
    internal void ProjectInput(UnitWeights unit, int rows, int gatesHidden, ReadOnlySpan<float> combinedBias, ReadOnlySpan<float> x, Span<float> gates)
    {
        for (int row = 0; row < rows; row++)
        {
            combinedBias.Slice(0, gatesHidden).CopyTo(gates.Slice(row * gatesHidden, gatesHidden));
        }

        MatrixMultiply.AddProductPacked(rows, x, unit.InputWidth, PackedInput(unit), gates, gatesHidden);
    }

    // The packed weights of a unit as of the current parameter version (repacked on first use after a change).
    internal PackedMatrix PackedInput(UnitWeights unit) =>
        unit.PackedInput.Refresh(Parameters.Version, unit.InputWeights.Shape[0], unit.InputWidth, unit.InputWeights.Values);

    internal PackedMatrix PackedHidden(UnitWeights unit) =>
        unit.PackedHidden.Refresh(Parameters.Version, unit.HiddenWeights.Shape[0], unit.HiddenWeights.Shape[1], unit.HiddenWeights.Values);

    internal PackedMatrix PackedProjection(UnitWeights unit) =>
        unit.PackedProjection.Refresh(Parameters.Version, unit.Projection!.Shape[0], unit.Projection.Shape[1], unit.Projection.Values);

    internal PackedMatrix PackedInputTransposed(UnitWeights unit) =>
        unit.PackedInputTransposed.RefreshTransposed(Parameters.Version, unit.InputWidth, unit.InputWeights.Shape[0], unit.InputWeights.Values);

    internal PackedMatrix PackedHiddenTransposed(UnitWeights unit) =>
        unit.PackedHiddenTransposed.RefreshTransposed(Parameters.Version, unit.HiddenWeights.Shape[1], unit.HiddenWeights.Shape[0], unit.HiddenWeights.Values);

    /// <summary>
    /// One time step of one unit for all B rows, the input projection already in <paramref name="gates"/>.
    /// The single definition of the recurrence, shared by the sequence forward pass and by <see cref="Step"/>.
    /// </summary>
    /// <param name="unit">Weights.</param>
    /// <param name="batch">B.</param>
    /// <param name="gates">(B, G·H) in: input projection with folded bias; out: activated gates.</param>
    /// <param name="hPrev">(B, Hout) h(t−1).</param>
    /// <param name="cPrev">(B, H) c(t−1) (LSTM).</param>
    /// <param name="hNext">(B, Hout) h(t), written.</param>
    /// <param name="cNext">(B, H) c(t), written (LSTM).</param>
    /// <param name="tanhCell">(B, H) tanh(c(t)), written (LSTM).</param>
    /// <param name="unprojected">(B, H) o ⊙ tanh(c(t)) before W_hr, written (LSTM with projection).</param>
    /// <param name="gruRecurrentNew">(B, H) GRU: W_hn h + b_hn (PyTorch form) or r ⊙ h (original form), written.</param>
    /// <param name="recurrent">(B, G·H) scratch.</param>
    /// <param name="resetHidden">(B, H) scratch (GRU original form).</param>
    internal void StepUnit(
        UnitWeights unit, int batch,
        Span<float> gates, ReadOnlySpan<float> hPrev, ReadOnlySpan<float> cPrev,
        Span<float> hNext, Span<float> cNext, Span<float> tanhCell, Span<float> unprojected,
        Span<float> gruRecurrentNew, Span<float> recurrent, Span<float> resetHidden)
    {
        int hidden = Options.HiddenSize;
        int outputHidden = Options.OutputHiddenSize;
        int gatesHidden = GateCount * hidden;
        ReadOnlySpan<float> whh = unit.HiddenWeights.Values;
        Span<float> rec = recurrent.Slice(0, batch * gatesHidden);

        switch (Options.Cell)
        {
            case CellKind.Lstm:
            {
                // W_hh·h(t−1) goes straight into the gate pre-activations; the cell then reads one buffer.
                MatrixMultiply.AddProductPacked(batch, hPrev, outputHidden, PackedHidden(unit), gates, gatesHidden);
                ReadOnlySpan<float> peephole = unit.Peephole is null ? default : unit.Peephole.Values;
                if (unit.Projection is null)
                {
                    LstmCell.Forward(batch, hidden, gates, default, cPrev, cNext, tanhCell, hNext, peephole);
                }
                else
                {
                    LstmCell.Forward(batch, hidden, gates, default, cPrev, cNext, tanhCell, unprojected, peephole);
                    Span<float> projected = hNext.Slice(0, batch * outputHidden);
                    projected.Clear();
                    MatrixMultiply.AddProductPacked(batch, unprojected, hidden, PackedProjection(unit), projected, outputHidden);
                }

                break;
            }

            case CellKind.RnnTanh:
            case CellKind.RnnRelu:
                rec.Clear();
                MatrixMultiply.AddProductPacked(batch, hPrev, hidden, PackedHidden(unit), rec, hidden);
                RnnCell.Forward(batch * hidden, gates, rec, hNext, Options.Cell == CellKind.RnnRelu);
                break;

            case CellKind.Gru:
                StepGru(unit, batch, gates, hPrev, hNext, gruRecurrentNew, rec, resetHidden);
                break;
        }
    }

    private void StepGru(
        UnitWeights unit, int batch, Span<float> gates, ReadOnlySpan<float> hPrev, Span<float> hNext,
        Span<float> gruRecurrentNew, Span<float> rec, Span<float> resetHidden)
    {
        int hidden = Options.HiddenSize;
        int gatesHidden = 3 * hidden;
        ReadOnlySpan<float> whh = unit.HiddenWeights.Values;
        ReadOnlySpan<float> hiddenNewBias = unit.HiddenBias is null ? default : unit.HiddenBias.Values.Slice(2 * hidden, hidden);
        Span<float> hn = gruRecurrentNew.Slice(0, batch * hidden);
        rec.Clear();

        if (Options.GruLinearBeforeReset)
        {
            // All three blocks of W_hh·h at once; hn = W_hn h + b_hn is kept for backward (dr needs it).
            MatrixMultiply.AddProductPacked(batch, hPrev, hidden, PackedHidden(unit), rec, gatesHidden);
            GruCell.ForwardResetUpdate(batch, hidden, gates, rec);
            for (int b = 0; b < batch; b++)
            {
                rec.Slice((b * gatesHidden) + (2 * hidden), hidden).CopyTo(hn.Slice(b * hidden, hidden));
            }

            if (!hiddenNewBias.IsEmpty)
            {
                MatrixMultiply.AddToRows(batch, hidden, hiddenNewBias, hn, hidden);
            }

            GruCell.ForwardCandidate(batch, hidden, gates, hn, hPrev, hNext, linearBeforeReset: true);
            return;
        }

        // Original form: r must exist before the n block's product, which then multiplies r ⊙ h.
        MatrixMultiply.AddProductTransposedB(batch, 2 * hidden, hidden, hPrev, hidden, whh, hidden, rec, gatesHidden);
        GruCell.ForwardResetUpdate(batch, hidden, gates, rec);
        for (int b = 0; b < batch; b++)
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(
                gates.Slice(b * gatesHidden, hidden), hPrev.Slice(b * hidden, hidden), hn.Slice(b * hidden, hidden));
        }

        Span<float> candidate = resetHidden.Slice(0, batch * hidden);
        candidate.Clear();
        if (!hiddenNewBias.IsEmpty)
        {
            MatrixMultiply.AddToRows(batch, hidden, hiddenNewBias, candidate, hidden);
        }

        MatrixMultiply.AddProductTransposedB(batch, hidden, hidden, hn, hidden, whh.Slice(2 * hidden * hidden), hidden, candidate, hidden);
        GruCell.ForwardCandidate(batch, hidden, gates, candidate, hPrev, hNext, linearBeforeReset: false);
    }
}
