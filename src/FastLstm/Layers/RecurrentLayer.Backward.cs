using FastLstm.Cells;
using FastLstm.Kernels;

namespace FastLstm;

public sealed partial class RecurrentLayer
{
    /// <summary>
    /// Full backpropagation through time of the workspace's last forward pass, for the loss whose gradients
    /// with respect to the outputs are given. Parameter gradients are ADDED to <see cref="ParameterList.Gradients"/>
    /// (clear them with <see cref="ParameterList.ZeroGradients"/>); dL/dx, dL/dh0 and dL/dc0 are written to
    /// the workspace (<see cref="RecurrentWorkspace.InputGradient"/> unless <see cref="RecurrentWorkspace.ComputeInputGradient"/>
    /// is false, <see cref="RecurrentWorkspace.InitialHiddenGradient"/>, <see cref="RecurrentWorkspace.InitialCellGradient"/>).
    /// </summary>
    /// <remarks>
    /// Truncated BPTT: run the next chunk's forward with this chunk's final states as initial states; the gradient
    /// then stops at the chunk boundary, because the initial states are inputs, not a link to the previous graph.
    /// Gradients at padded steps (t ≥ L_b) of <paramref name="outputGradient"/> are ignored, as the outputs there are constant 0.
    /// Calling backward twice on the same forward gives bit-identical results (and doubles the parameter gradients).
    /// </remarks>
    /// <param name="workspace">The workspace of the forward pass.</param>
    /// <param name="outputGradient">dL/dy (T, B, D·Hout), or empty when the loss does not read the outputs.</param>
    /// <param name="finalHiddenGradient">dL/dh_n (L·D, B, Hout), or empty for zero.</param>
    /// <param name="finalCellGradient">dL/dc_n (L·D, B, H) for an LSTM, or empty for zero.</param>
    /// <exception cref="ArgumentException">A span's length does not fit the forward pass, or the workspace is another layer's.</exception>
    /// <exception cref="InvalidOperationException">The workspace holds no forward pass, or one that used a reduced
    /// <see cref="InferencePrecision"/> (run <c>Forward(training: true)</c> first).</exception>
    public void Backward(
        RecurrentWorkspace workspace,
        ReadOnlySpan<float> outputGradient,
        ReadOnlySpan<float> finalHiddenGradient = default,
        ReadOnlySpan<float> finalCellGradient = default)
    {
        ValidateBackward(workspace, outputGradient, finalHiddenGradient, finalCellGradient);
        if (workspace.ForwardPrecision != WeightPrecision.Float32)
        {
            throw new InvalidOperationException(
                $"The forward pass used InferencePrecision = {workspace.ForwardPrecision} weights, which Backward cannot differentiate; run Forward with training: true (always float32) before Backward.");
        }

        RecurrentOptions o = Options;
        int steps = workspace.SequenceLength;
        int batch = workspace.BatchSize;
        int rows = steps * batch;
        EnsureBackwardWorkspace(workspace, steps, batch);

        // The gradient reaching the current layer's output, (T, B, D·Hout); starts as the caller's (or zeros).
        Span<float> upper = workspace.LayerGradientA.AsSpan(0, rows * o.OutputSize);
        CopyOrClear(outputGradient, upper);
        Span<float> spare = workspace.LayerGradientB;

        for (int layer = o.NumLayers - 1; layer >= 0; layer--)
        {
            int inputWidth = layer == 0 ? o.InputSize : o.OutputSize;

            // Empty when the caller wants no dL/dx: the dG·W_ih product of layer 0 is skipped (layers above always need theirs).
            Span<float> inputGradient = layer > 0
                ? spare.Slice(0, rows * inputWidth)
                : workspace.ComputeInputGradient ? workspace.InputGradientBuffer.AsSpan(0, rows * inputWidth) : default;
            inputGradient.Clear();
            ReadOnlySpan<float> layerInput = LayerInput(workspace, layer, rows, workspace.Training, drawMask: false);
            for (int direction = 0; direction < o.Directions; direction++)
            {
                BackwardUnit(workspace, layer, direction, layerInput, upper, inputGradient, finalHiddenGradient, finalCellGradient);
            }

            if (layer > 0 && workspace.Training && o.Dropout > 0f)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(inputGradient, workspace.DropoutMasks[layer].AsSpan(0, inputGradient.Length), inputGradient);
            }

            // The input gradient of this layer is the output gradient of the one below; swap the buffers.
            Span<float> used = upper;
            upper = inputGradient;
            spare = used;
        }

        workspace.HasInputGradient = workspace.ComputeInputGradient;
        workspace.HasBackward = true;
    }

    private void BackwardUnit(
        RecurrentWorkspace workspace, int layer, int direction, ReadOnlySpan<float> x, ReadOnlySpan<float> outputGradient,
        Span<float> inputGradient, ReadOnlySpan<float> finalHiddenGradient, ReadOnlySpan<float> finalCellGradient)
    {
        RecurrentOptions o = Options;
        UnitWeights unit = Unit(layer, direction);
        UnitTape tape = workspace.Units[(layer * o.Directions) + direction];
        int steps = workspace.SequenceLength;
        int batch = workspace.BatchSize;
        int rows = steps * batch;
        int gatesHidden = GateCount * o.HiddenSize;
        Span<float> gateGradients = workspace.GateGradients.AsSpan(0, rows * gatesHidden);
        Span<float> hiddenGateGradients = o.Cell == CellKind.Gru ? workspace.HiddenGateGradients.AsSpan(0, rows * gatesHidden) : gateGradients;
        Span<float> stateGradients = workspace.StateGradients.AsSpan(0, rows * o.OutputHiddenSize);

        if (workspace.Team is not null && CanSplitRecurrence(unit, batch, workspace.Team.Size) &&
            WorthSplittingRecurrence(rows, workspace.MinParallelBackwardFlops))
        {
            BackwardRowsParallel(workspace, layer, direction, outputGradient, finalHiddenGradient, finalCellGradient);
        }
        else
        {
            BackwardRows(workspace, layer, direction, outputGradient, finalHiddenGradient, finalCellGradient, 0, batch);
        }

        AccumulateWeightGradients(workspace, unit, tape, x, steps, batch, gateGradients, hiddenGateGradients, stateGradients, inputGradient);
    }

    /// <summary>
    /// The backward recurrence of one unit over all T steps for the batch rows [<paramref name="b0"/>, <paramref name="b1"/>):
    /// dG, the state gradients, and dL/dh0, dL/dc0 of those rows. Rows never meet in it (each row's dh(t−1) is its own
    /// dG row times W_hh), so disjoint row ranges can run on different threads, each over the whole sequence, and every
    /// element is computed by the same operations as for the full batch (the matrix kernels' sums do not depend on M).
    /// The one cross-row sum, the peephole gradient, keeps a unit with peepholes on one range (see <see cref="CanSplitRecurrence"/>).
    /// </summary>
    internal void BackwardRows(
        RecurrentWorkspace workspace, int layer, int direction, ReadOnlySpan<float> outputGradient,
        ReadOnlySpan<float> finalHiddenGradient, ReadOnlySpan<float> finalCellGradient, int b0, int b1)
    {
        RecurrentOptions o = Options;
        UnitWeights unit = Unit(layer, direction);
        int unitIndex = (layer * o.Directions) + direction;
        UnitTape tape = workspace.Units[unitIndex];
        int steps = workspace.SequenceLength;
        int batch = workspace.BatchSize;
        int count = b1 - b0;
        int rows = steps * batch;
        int hidden = o.HiddenSize;
        int outputHidden = o.OutputHiddenSize;
        int gatesHidden = GateCount * hidden;
        int hiddenSlot = batch * outputHidden;
        int cellSlot = batch * hidden;
        int outputWidth = o.OutputSize;
        bool lstm = o.HasCellState;
        bool gru = o.Cell == CellKind.Gru;
        bool projection = unit.Projection is not null;
        ReadOnlySpan<int> validSteps = workspace.LengthsBuffer.AsSpan(0, batch);
        ReadOnlySpan<float> whh = unit.HiddenWeights.Values;

        // dG: (T, B, G·H) gradients of the x-side pre-activations; for a GRU the h-side ones differ (r scales hn).
        // Below, "rows" of a (B, ·) slot are this range's rows only: [b0, b1).
        Span<float> gateGradients = workspace.GateGradients.AsSpan(0, rows * gatesHidden);
        Span<float> hiddenGateGradients = gru ? workspace.HiddenGateGradients.AsSpan(0, rows * gatesHidden) : gateGradients;
        Span<float> stateGradients = workspace.StateGradients.AsSpan(0, rows * outputHidden);
        Span<float> dh = workspace.HiddenGradient.AsSpan(b0 * outputHidden, count * outputHidden);
        Span<float> dhNext = workspace.NextHiddenGradient.AsSpan(b0 * outputHidden, count * outputHidden);
        Span<float> dc = lstm ? workspace.CellGradient.AsSpan(b0 * hidden, count * hidden) : default;
        Span<float> dUnprojected = workspace.UnprojectedGradient.AsSpan(b0 * hidden, count * hidden);
        CopyOrClear(finalHiddenGradient.IsEmpty ? default : finalHiddenGradient.Slice((unitIndex * hiddenSlot) + (b0 * outputHidden), dh.Length), dh);
        if (lstm)
        {
            CopyOrClear(finalCellGradient.IsEmpty ? default : finalCellGradient.Slice((unitIndex * cellSlot) + (b0 * hidden), dc.Length), dc);
        }

        ReadOnlySpan<float> peephole = unit.Peephole is null ? default : unit.Peephole.Values;
        Span<float> dPeephole = unit.Peephole is null ? default : unit.Peephole.Gradients;

        for (int s = steps - 1; s >= 0; s--)
        {
            int t = unit.Reverse ? steps - 1 - s : s;
            int prev = unit.Reverse ? t + 1 : t;
            int next = unit.Reverse ? t : t + 1;
            Span<float> stepState = stateGradients.Slice((t * hiddenSlot) + (b0 * outputHidden), count * outputHidden);
            Span<float> stepGates = gateGradients.Slice(((t * batch) + b0) * gatesHidden, count * gatesHidden);
            Span<float> stepHiddenGates = hiddenGateGradients.Slice(((t * batch) + b0) * gatesHidden, count * gatesHidden);
            dhNext.Clear();

            // Total gradient reaching h(t): from later steps plus this step's output. Padded rows only carry it.
            for (int r = 0; r < count; r++)
            {
                int b = b0 + r;
                Span<float> row = stepState.Slice(r * outputHidden, outputHidden);
                dh.Slice(r * outputHidden, outputHidden).CopyTo(row);
                if (t < validSteps[b])
                {
                    if (!outputGradient.IsEmpty)
                    {
                        ReadOnlySpan<float> fromOutput = outputGradient.Slice((((t * batch) + b) * outputWidth) + (direction * outputHidden), outputHidden);
                        System.Numerics.Tensors.TensorPrimitives.Add(row, fromOutput, row);
                    }
                }
                else
                {
                    row.CopyTo(dhNext.Slice(r * outputHidden, outputHidden));
                    row.Clear();
                    stepGates.Slice(r * gatesHidden, gatesHidden).Clear();
                    stepHiddenGates.Slice(r * gatesHidden, gatesHidden).Clear();
                }
            }

            ReadOnlySpan<float> stepGateValues = tape.Gates.AsSpan(((t * batch) + b0) * gatesHidden, count * gatesHidden);
            ReadOnlySpan<float> hPrev = tape.Hidden.AsSpan((prev * hiddenSlot) + (b0 * outputHidden), count * outputHidden);
            if (lstm)
            {
                ReadOnlySpan<float> dhCell = stepState;
                if (projection)
                {
                    // h = W_hr·u, so du = dhᵀ·W_hr; padded rows of dh are zero, so theirs are too.
                    dUnprojected.Clear();
                    MatrixMultiply.AddProduct(count, hidden, outputHidden, stepState, outputHidden, unit.Projection!.Values, hidden, dUnprojected, hidden);
                    dhCell = dUnprojected;
                }

                ReadOnlySpan<float> cPrev = tape.Cell.AsSpan((prev * cellSlot) + (b0 * hidden), count * hidden);
                ReadOnlySpan<float> cNext = tape.Cell.AsSpan((next * cellSlot) + (b0 * hidden), count * hidden);
                ReadOnlySpan<float> tanhC = tape.TanhCell.AsSpan((t * cellSlot) + (b0 * hidden), count * hidden);
                for (int r = 0; r < count; r++)
                {
                    if (t >= validSteps[b0 + r])
                    {
                        continue;
                    }

                    int g = r * gatesHidden;
                    int c = r * hidden;
                    LstmCell.BackwardRow(
                        hidden, stepGateValues.Slice(g, gatesHidden), cPrev.Slice(c, hidden), cNext.Slice(c, hidden), tanhC.Slice(c, hidden),
                        dhCell.Slice(c, hidden), dc.Slice(c, hidden), stepGates.Slice(g, gatesHidden), peephole, dPeephole);
                }
            }
            else if (gru)
            {
                BackwardGruStep(unit, tape, workspace, t, b0, b1, validSteps, stepGateValues, hPrev, stepState, stepGates, stepHiddenGates, dhNext);
            }
            else
            {
                ReadOnlySpan<float> hNext = tape.Hidden.AsSpan((next * hiddenSlot) + (b0 * outputHidden), count * outputHidden);
                bool relu = o.Cell == CellKind.RnnRelu;
                for (int r = 0; r < count; r++)
                {
                    if (t < validSteps[b0 + r])
                    {
                        int h = r * hidden;
                        RnnCell.BackwardRow(hidden, hNext.Slice(h, hidden), stepState.Slice(h, hidden), stepGates.Slice(h, hidden), relu);
                    }
                }
            }

            // dh(t−1) += dG_hh · W_hh (for the original GRU only the r and z blocks: its n block multiplies r ⊙ h).
            if (gru && !o.GruLinearBeforeReset)
            {
                MatrixMultiply.AddProduct(count, outputHidden, 2 * hidden, stepHiddenGates, gatesHidden, whh, outputHidden, dhNext, outputHidden);
            }
            else
            {
                MatrixMultiply.AddProductPacked(count, stepHiddenGates, gatesHidden, PackedHiddenTransposed(unit), dhNext, outputHidden);
            }

            Span<float> swap = dh;
            dh = dhNext;
            dhNext = swap;
        }

        dh.CopyTo(workspace.InitialHiddenGradientBuffer.AsSpan((unitIndex * hiddenSlot) + (b0 * outputHidden), dh.Length));
        if (lstm)
        {
            dc.CopyTo(workspace.InitialCellGradientBuffer.AsSpan((unitIndex * cellSlot) + (b0 * hidden), dc.Length));
        }
    }

    /// <summary>Whether a unit's recurrence may split by batch rows: at least two rows, and no peephole (its gradient sums
    /// over rows, and a split would change the order of that sum).</summary>
    private static bool CanSplitRecurrence(UnitWeights unit, int batch, int threads) => unit.Peephole is null && batch >= 2 && threads >= 2;

    /// <summary>
    /// Whether the backward recurrence of one unit (its dG·W_hh products: 2·T·B·G·H·Hout FLOPs, plus the cells) repays
    /// one fork and join: the same 4 MFLOP cut as the end-of-unit products, since here too a single join covers all T steps.
    /// </summary>
    internal bool WorthSplittingRecurrence(int rows, long minFlops = DefaultMinParallelBackwardFlops) =>
        2L * rows * GateCount * Options.HiddenSize * Options.OutputHiddenSize >= minFlops;

    /// <summary><see cref="BackwardRows"/> on the workspace's team, the batch rows split across it (see <see cref="BackwardRecurrenceJob"/>).</summary>
    private unsafe void BackwardRowsParallel(
        RecurrentWorkspace workspace, int layer, int direction, ReadOnlySpan<float> outputGradient,
        ReadOnlySpan<float> finalHiddenGradient, ReadOnlySpan<float> finalCellGradient)
    {
        UnitWeights unit = Unit(layer, direction);
        if (!(Options.Cell == CellKind.Gru && !Options.GruLinearBeforeReset))
        {
            // Repack W_hhᵀ (when the weights changed) before the threads read it, rather than have them queue on its lock.
            _ = PackedHiddenTransposed(unit);
        }

        BackwardRecurrenceJob job = workspace.ParallelJobs!.BackwardRecurrence;
        fixed (float* dy = outputGradient, dhn = finalHiddenGradient, dcn = finalCellGradient)
        {
            job.Set(this, workspace, layer, direction, dy, outputGradient.Length, dhn, finalHiddenGradient.Length, dcn, finalCellGradient.Length);
            workspace.Team!.Run(job);
        }
    }

    private void BackwardGruStep(
        UnitWeights unit, UnitTape tape, RecurrentWorkspace workspace, int t, int b0, int b1, ReadOnlySpan<int> validSteps,
        ReadOnlySpan<float> gateValues, ReadOnlySpan<float> hPrev, ReadOnlySpan<float> stepState,
        Span<float> stepGates, Span<float> stepHiddenGates, Span<float> dhNext)
    {
        int hidden = Options.HiddenSize;
        int gatesHidden = 3 * hidden;
        int batch = workspace.BatchSize;
        int count = b1 - b0;
        bool linearBeforeReset = Options.GruLinearBeforeReset;
        ReadOnlySpan<float> recurrentNew = tape.GruRecurrentNew.AsSpan(((t * batch) + b0) * hidden, count * hidden);
        for (int i = 0; i < count; i++)
        {
            if (t >= validSteps[b0 + i])
            {
                continue;
            }

            int g = i * gatesHidden;
            int r = i * hidden;
            GruCell.BackwardRow(
                hidden, gateValues.Slice(g, gatesHidden), recurrentNew.Slice(r, hidden), hPrev.Slice(r, hidden), stepState.Slice(r, hidden),
                stepGates.Slice(g, gatesHidden), stepHiddenGates.Slice(g, gatesHidden), dhNext.Slice(r, hidden), linearBeforeReset);
        }

        if (linearBeforeReset)
        {
            return;
        }

        // Original form: d(r ⊙ h) = dA_n · W_hn, then r's gradient and the r ⊙ d(r ⊙ h) term of dh(t−1).
        Span<float> dResetHidden = workspace.ResetHiddenGradient.AsSpan(b0 * hidden, count * hidden);
        dResetHidden.Clear();
        MatrixMultiply.AddProduct(
            count, hidden, hidden, stepHiddenGates.Slice(2 * hidden), gatesHidden,
            unit.HiddenWeights.Values.Slice(2 * hidden * hidden), hidden, dResetHidden, hidden);
        for (int i = 0; i < count; i++)
        {
            if (t >= validSteps[b0 + i])
            {
                continue;
            }

            int g = i * gatesHidden;
            int r = i * hidden;
            GruCell.BackwardResetOriginal(
                hidden, gateValues.Slice(g, gatesHidden), hPrev.Slice(r, hidden), dResetHidden.Slice(r, hidden),
                stepGates.Slice(g, gatesHidden), stepHiddenGates.Slice(g, gatesHidden), dhNext.Slice(r, hidden));
        }
    }

    /// <summary>The products over all T·B rows at once: dW_ih, dW_hh, dW_hr, the biases and dx.</summary>
    private void AccumulateWeightGradients(
        RecurrentWorkspace workspace, UnitWeights unit, UnitTape tape, ReadOnlySpan<float> x, int steps, int batch,
        ReadOnlySpan<float> gateGradients, ReadOnlySpan<float> hiddenGateGradients, ReadOnlySpan<float> stateGradients,
        Span<float> inputGradient)
    {
        RecurrentOptions o = Options;
        int rows = steps * batch;
        int hidden = o.HiddenSize;
        int outputHidden = o.OutputHiddenSize;
        int gatesHidden = GateCount * hidden;
        int inputWidth = unit.InputWidth;

        // h(t−1) for t = 0 … T−1 is a contiguous run of slots: 0 … T−1 forward, 1 … T in reverse.
        ReadOnlySpan<float> previousStates = tape.Hidden.AsSpan((unit.Reverse ? 1 : 0) * batch * outputHidden, rows * outputHidden);

        if (workspace.Team is not null && WorthSplittingBackward(rows, inputWidth, workspace.MinParallelBackwardFlops))
        {
            AccumulateWeightGradientsParallel(workspace, unit, tape, x, rows, gateGradients, hiddenGateGradients, stateGradients, previousStates, inputGradient);
            return;
        }

        MatrixMultiply.AddProductTransposedA(gatesHidden, inputWidth, rows, gateGradients, gatesHidden, x, inputWidth, unit.InputWeights.Gradients, inputWidth);
        if (unit.InputBias is not null && unit.HiddenBias is not null)
        {
            MatrixMultiply.AddRowSums(rows, gatesHidden, gateGradients, gatesHidden, unit.InputBias.Gradients);
            MatrixMultiply.AddRowSums(rows, gatesHidden, hiddenGateGradients, gatesHidden, unit.HiddenBias.Gradients);
        }

        Span<float> dWhh = unit.HiddenWeights.Gradients;
        if (o.Cell == CellKind.Gru && !o.GruLinearBeforeReset)
        {
            MatrixMultiply.AddProductTransposedA(2 * hidden, hidden, rows, hiddenGateGradients, gatesHidden, previousStates, hidden, dWhh, hidden);
            MatrixMultiply.AddProductTransposedA(
                hidden, hidden, rows, hiddenGateGradients.Slice(2 * hidden), gatesHidden,
                tape.GruRecurrentNew.AsSpan(0, rows * hidden), hidden, dWhh.Slice(2 * hidden * hidden), hidden);
        }
        else
        {
            MatrixMultiply.AddProductTransposedA(gatesHidden, outputHidden, rows, hiddenGateGradients, gatesHidden, previousStates, outputHidden, dWhh, outputHidden);
        }

        if (unit.Projection is not null)
        {
            MatrixMultiply.AddProductTransposedA(
                outputHidden, hidden, rows, stateGradients, outputHidden, tape.Unprojected.AsSpan(0, rows * hidden), hidden, unit.Projection.Gradients, hidden);
        }

        if (!inputGradient.IsEmpty)
        {
            MatrixMultiply.AddProductPacked(rows, gateGradients, gatesHidden, PackedInputTransposed(unit), inputGradient, inputWidth);
        }
    }

    private void ValidateBackward(
        RecurrentWorkspace workspace, ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> finalHiddenGradient, ReadOnlySpan<float> finalCellGradient)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (!ReferenceEquals(workspace.Owner, this))
        {
            ThrowHelper.Argument(nameof(workspace), "The workspace was created by another layer; use this layer's CreateWorkspace().");
        }

        if (!workspace.HasForward)
        {
            throw new InvalidOperationException("The workspace holds no forward pass; call Forward before Backward.");
        }

        RecurrentOptions o = Options;
        int steps = workspace.SequenceLength;
        int batch = workspace.BatchSize;
        ThrowHelper.CheckOptionalLength(outputGradient, nameof(outputGradient), "T·B·(D·Hout)", steps, batch, o.OutputSize);
        ThrowHelper.CheckOptionalLength(finalHiddenGradient, nameof(finalHiddenGradient), "(L·D)·B·Hout", StateCount, batch, o.OutputHiddenSize);
        if (o.HasCellState)
        {
            ThrowHelper.CheckOptionalLength(finalCellGradient, nameof(finalCellGradient), "(L·D)·B·H", StateCount, batch, o.HiddenSize);
        }
        else if (!finalCellGradient.IsEmpty)
        {
            ThrowHelper.Argument(nameof(finalCellGradient), $"A {o.Cell} layer has no cell state; finalCellGradient must be empty, got {finalCellGradient.Length} values.");
        }
    }

    private void EnsureBackwardWorkspace(RecurrentWorkspace workspace, int steps, int batch)
    {
        RecurrentOptions o = Options;
        int rows = steps * batch;
        int hidden = o.HiddenSize;
        int gatesHidden = GateCount * hidden;
        int widest = Math.Max(o.InputSize, o.OutputSize);
        UnitTape.Grow(ref workspace.GateGradients, rows * gatesHidden);
        if (o.Cell == CellKind.Gru)
        {
            UnitTape.Grow(ref workspace.HiddenGateGradients, rows * gatesHidden);
        }

        UnitTape.Grow(ref workspace.StateGradients, rows * o.OutputHiddenSize);
        UnitTape.Grow(ref workspace.HiddenGradient, batch * o.OutputHiddenSize);
        UnitTape.Grow(ref workspace.NextHiddenGradient, batch * o.OutputHiddenSize);
        UnitTape.Grow(ref workspace.CellGradient, batch * hidden);
        UnitTape.Grow(ref workspace.UnprojectedGradient, batch * hidden);
        UnitTape.Grow(ref workspace.ResetHiddenGradient, batch * hidden);
        UnitTape.Grow(ref workspace.LayerGradientA, rows * widest);
        UnitTape.Grow(ref workspace.LayerGradientB, rows * widest);
        UnitTape.Grow(ref workspace.InputGradientBuffer, rows * o.InputSize);
        UnitTape.Grow(ref workspace.InitialHiddenGradientBuffer, StateCount * batch * o.OutputHiddenSize);
        if (o.HasCellState)
        {
            UnitTape.Grow(ref workspace.InitialCellGradientBuffer, StateCount * batch * hidden);
        }
    }
}
