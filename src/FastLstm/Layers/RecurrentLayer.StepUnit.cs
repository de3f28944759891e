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

    /// <summary>
    /// Fills rows (M, G·H) with the folded bias, then adds x·W_ihᵀ: the input projection of M = T·B or B rows, with W_ih
    /// in <paramref name="precision"/> (<see cref="Step"/> at a reduced <see cref="InferencePrecision"/>).
    /// </summary>
    internal void ProjectInput(
        UnitWeights unit, int rows, int gatesHidden, ReadOnlySpan<float> combinedBias, ReadOnlySpan<float> x, Span<float> gates,
        WeightPrecision precision = WeightPrecision.Float32)
    {
        for (int row = 0; row < rows; row++)
        {
            combinedBias.Slice(0, gatesHidden).CopyTo(gates.Slice(row * gatesHidden, gatesHidden));
        }

        if (precision == WeightPrecision.Float32)
        {
            MatrixMultiply.AddProductPacked(rows, x, unit.InputWidth, PackedInput(unit), gates, gatesHidden);
        }
        else
        {
            ReducedMatrixMultiply.AddProduct(rows, x, unit.InputWidth, ReducedInput(unit, precision), gates, gatesHidden);
        }
    }

    /// <summary>
    /// gates (B, ldc) += h(t−1)·W_hhᵀ for the columns of the 16-column panels [<paramref name="panelStart"/>,
    /// <paramref name="panelEnd"/>) of the G·H gate columns (all: 0, ⌈G·H/16⌉), with W_hh in <paramref name="precision"/>:
    /// the recurrent product of one step, for the one-thread loop and for threads that split its columns. Every column
    /// gets the same result for any split. Split at multiples of 4 panels: reduced forms read whole 64-column groups.
    /// </summary>
    /// <param name="unit">Weights.</param>
    /// <param name="batch">B.</param>
    /// <param name="hPrev">(B, Hout) h(t−1).</param>
    /// <param name="gates">(B, ldc) accumulated into, starting at gate column 0.</param>
    /// <param name="ldc">Row stride of <paramref name="gates"/> (G·H).</param>
    /// <param name="panelStart">First panel (columns 16·panelStart …).</param>
    /// <param name="panelEnd">Panel after the last one.</param>
    /// <param name="precision">Float32 for the exact product, else the reduced weights (repacked first after a change).</param>
    internal void AddRecurrentProduct(
        UnitWeights unit, int batch, ReadOnlySpan<float> hPrev, Span<float> gates, int ldc, int panelStart, int panelEnd, WeightPrecision precision)
    {
        int outputHidden = Options.OutputHiddenSize;
        if (precision == WeightPrecision.Float32)
        {
            MatrixMultiply.AddProductPacked(batch, hPrev, outputHidden, PackedHidden(unit), gates, ldc, panelStart, panelEnd);
        }
        else
        {
            ReducedMatrixMultiply.AddProduct(batch, hPrev, outputHidden, ReducedHidden(unit, precision), gates, ldc, panelStart, panelEnd);
        }
    }

    /// <summary>
    /// gates (B, G·H) += h(t−1)·W_hhᵀ for the units [<paramref name="u0"/>, <paramref name="u1"/>) of every gate block: a
    /// thread's share of a step split by hidden units, in one product (see <see cref="MatrixMultiply.AddProductPackedSlices"/>).
    /// </summary>
    internal void AddRecurrentProductUnits(
        UnitWeights unit, int batch, ReadOnlySpan<float> hPrev, Span<float> gates, int u0, int u1, WeightPrecision precision)
    {
        int hidden = Options.HiddenSize;
        if (precision == WeightPrecision.Float32)
        {
            MatrixMultiply.AddProductPackedSlices(
                batch, hPrev, Options.OutputHiddenSize, PackedHidden(unit), gates, GateCount * hidden, GateCount, hidden, u0, u1);
            return;
        }

        ReducedMatrixMultiply.AddProductSlices(
            batch, hPrev, Options.OutputHiddenSize, ReducedHidden(unit, precision), gates, GateCount * hidden, GateCount, hidden, u0, u1);
    }

    /// <summary>As <see cref="AddRecurrentProductUnits"/> for x·W_ihᵀ: <see cref="Step"/>'s input product when threads
    /// split its units.</summary>
    internal void AddInputProductUnits(
        UnitWeights unit, int batch, ReadOnlySpan<float> x, Span<float> gates, int u0, int u1, WeightPrecision precision)
    {
        int hidden = Options.HiddenSize;
        if (precision == WeightPrecision.Float32)
        {
            MatrixMultiply.AddProductPackedSlices(batch, x, unit.InputWidth, PackedInput(unit), gates, GateCount * hidden, GateCount, hidden, u0, u1);
            return;
        }

        ReducedMatrixMultiply.AddProductSlices(batch, x, unit.InputWidth, ReducedInput(unit, precision), gates, GateCount * hidden, GateCount, hidden, u0, u1);
    }

    /// <summary>
    /// gates (B, ldc) += x·W_ihᵀ for the panels [<paramref name="panelStart"/>, <paramref name="panelEnd"/>) of the G·H gate
    /// columns, with W_ih in <paramref name="precision"/>: <see cref="Step"/>'s input product when threads split its columns.
    /// </summary>
    internal void AddInputProduct(
        UnitWeights unit, int batch, ReadOnlySpan<float> x, Span<float> gates, int ldc, int panelStart, int panelEnd, WeightPrecision precision)
    {
        if (precision == WeightPrecision.Float32)
        {
            MatrixMultiply.AddProductPacked(batch, x, unit.InputWidth, PackedInput(unit), gates, ldc, panelStart, panelEnd);
        }
        else
        {
            ReducedMatrixMultiply.AddProduct(batch, x, unit.InputWidth, ReducedInput(unit, precision), gates, ldc, panelStart, panelEnd);
        }
    }

    /// <summary>The number of 16-column panels of the recurrent product: ⌈G·H/16⌉ (the panelEnd of a whole product).</summary>
    internal int RecurrentPanels => ((GateCount * Options.HiddenSize) + PackedMatrix.PanelWidth - 1) / PackedMatrix.PanelWidth;

    // The reduced-precision weights of a unit as of the current parameter version (repacked on first use after a change
    // of the parameters or of the precision).
    internal ReducedMatrix ReducedInput(UnitWeights unit, WeightPrecision precision) =>
        unit.ReducedInput.Refresh(Parameters.Version, precision, unit.InputWeights.Shape[0], unit.InputWidth, unit.InputWeights.Values);

    internal ReducedMatrix ReducedHidden(UnitWeights unit, WeightPrecision precision) =>
        unit.ReducedHidden.Refresh(Parameters.Version, precision, unit.HiddenWeights.Shape[0], unit.HiddenWeights.Shape[1], unit.HiddenWeights.Values);

    internal ReducedMatrix ReducedProjection(UnitWeights unit, WeightPrecision precision) =>
        unit.ReducedProjection.Refresh(Parameters.Version, precision, unit.Projection!.Shape[0], unit.Projection.Shape[1], unit.Projection.Values);

    // The packed weights of a unit as of the current parameter version (repacked on first use after a change).
    internal PackedMatrix PackedInput(UnitWeights unit) =>
        unit.PackedInput.Refresh(Parameters.Version, unit.InputWeights.Shape[0], unit.InputWidth, unit.InputWeights.Values);

    internal PackedMatrix PackedHidden(UnitWeights unit) =>
        unit.PackedHidden.Refresh(Parameters.Version, unit.HiddenWeights.Shape[0], unit.HiddenWeights.Shape[1], unit.HiddenWeights.Values);

    internal PackedMatrix PackedStacked(UnitWeights unit) =>
        unit.PackedStacked.RefreshStacked(
            Parameters.Version, unit.InputWeights.Shape[0], unit.InputWidth, unit.InputWeights.Values, unit.HiddenWeights.Shape[1], unit.HiddenWeights.Values);

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
    /// <param name="precision">Weights of the recurrent products (W_hh, W_hr): float32, or a reduced
    /// <see cref="InferencePrecision"/> (the GRU's original form stays float32).</param>
    /// <param name="recurrentInGates">LSTM: W_hh·h(t−1) is already in <paramref name="gates"/> (a batch-1 Step's stacked
    /// product), so only the cell and the projection remain.</param>
    internal void StepUnit(
        UnitWeights unit, int batch,
        Span<float> gates, ReadOnlySpan<float> hPrev, ReadOnlySpan<float> cPrev,
        Span<float> hNext, Span<float> cNext, Span<float> tanhCell, Span<float> unprojected,
        Span<float> gruRecurrentNew, Span<float> recurrent, Span<float> resetHidden,
        WeightPrecision precision = WeightPrecision.Float32, bool recurrentInGates = false)
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
                if (!recurrentInGates)
                {
                    AddRecurrentProduct(unit, batch, hPrev, gates, gatesHidden, 0, RecurrentPanels, precision);
                }

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
                    if (precision == WeightPrecision.Float32)
                    {
                        MatrixMultiply.AddProductPacked(batch, unprojected, hidden, PackedProjection(unit), projected, outputHidden);
                    }
                    else
                    {
                        ReducedMatrixMultiply.AddProduct(batch, unprojected, hidden, ReducedProjection(unit, precision), projected, outputHidden);
                    }
                }

                break;
            }

            case CellKind.RnnTanh:
            case CellKind.RnnRelu:
                rec.Clear();
                AddRecurrentProduct(unit, batch, hPrev, rec, hidden, 0, RecurrentPanels, precision);
                RnnCell.Forward(batch * hidden, gates, rec, hNext, Options.Cell == CellKind.RnnRelu);
                break;

            case CellKind.Gru:
                StepGru(unit, batch, gates, hPrev, hNext, gruRecurrentNew, rec, resetHidden, precision);
                break;
        }
    }

    private void StepGru(
        UnitWeights unit, int batch, Span<float> gates, ReadOnlySpan<float> hPrev, Span<float> hNext,
        Span<float> gruRecurrentNew, Span<float> rec, Span<float> resetHidden, WeightPrecision precision)
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
            // The cell is the same call a thread makes for its share of the units (GruRnnStepJob), over all of them.
            AddRecurrentProduct(unit, batch, hPrev, rec, gatesHidden, 0, RecurrentPanels, precision);
            GruCell.ForwardUnits(batch, hidden, 0, hidden, gates, rec, hiddenNewBias, hn, hPrev, hNext);
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
        GruCell.ForwardCandidate(batch, hidden, gates, candidate, hPrev, hNext);
    }
}
