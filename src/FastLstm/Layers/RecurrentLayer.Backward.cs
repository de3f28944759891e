using FastLstm.Cells;
using FastLstm.Kernels;

namespace FastLstm;

public sealed partial class RecurrentLayer
{
    /// <summary>
    /// Full backpropagation through time of the workspace's last forward pass, for the loss whose gradients
    /// with respect to the outputs are given. Parameter gradients are ADDED to <see cref="ParameterList.Gradients"/>
    /// (clear them with <see cref="ParameterList.ZeroGradients"/>); dL/dx, dL/dh0 and dL/dc0 are written to
    /// the workspace (<see cref="RecurrentWorkspace.InputGradient"/>, <see cref="RecurrentWorkspace.InitialHiddenGradient"/>,
    /// <see cref="RecurrentWorkspace.InitialCellGradient"/>).
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
    /// <exception cref="InvalidOperationException">The workspace holds no forward pass.</exception>
    public void Backward(
        RecurrentWorkspace workspace,
        ReadOnlySpan<float> outputGradient,
        ReadOnlySpan<float> finalHiddenGradient = default,
        ReadOnlySpan<float> finalCellGradient = default)
    {
        ValidateBackward(workspace, outputGradient, finalHiddenGradient, finalCellGradient);
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
            Span<float> inputGradient = layer == 0
                ? workspace.InputGradientBuffer.AsSpan(0, rows * inputWidth)
                : spare.Slice(0, rows * inputWidth);
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

        workspace.HasBackward = true;
    }

    private void BackwardUnit(
        RecurrentWorkspace workspace, int layer, int direction, ReadOnlySpan<float> x, ReadOnlySpan<float> outputGradient,
        Span<float> inputGradient, ReadOnlySpan<float> finalHiddenGradient, ReadOnlySpan<float> finalCellGradient)
    {
        RecurrentOptions o = Options;
        UnitWeights unit = Unit(layer, direction);
        int unitIndex = (layer * o.Directions) + direction;
        UnitTape tape = workspace.Units[unitIndex];
        int steps = workspace.SequenceLength;
        int batch = workspace.BatchSize;
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
        Span<float> gateGradients = workspace.GateGradients.AsSpan(0, rows * gatesHidden);
        Span<float> hiddenGateGradients = gru ? workspace.HiddenGateGradients.AsSpan(0, rows * gatesHidden) : gateGradients;
        Span<float> stateGradients = workspace.StateGradients.AsSpan(0, rows * outputHidden);
        Span<float> dh = workspace.HiddenGradient.AsSpan(0, hiddenSlot);
        Span<float> dhNext = workspace.NextHiddenGradient.AsSpan(0, hiddenSlot);
        Span<float> dc = lstm ? workspace.CellGradient.AsSpan(0, cellSlot) : default;
        Span<float> dUnprojected = workspace.UnprojectedGradient.AsSpan(0, cellSlot);
        CopyOrClear(finalHiddenGradient.IsEmpty ? default : finalHiddenGradient.Slice(unitIndex * hiddenSlot, hiddenSlot), dh);
        if (lstm)
        {
            CopyOrClear(finalCellGradient.IsEmpty ? default : finalCellGradient.Slice(unitIndex * cellSlot, cellSlot), dc);
        }

        ReadOnlySpan<float> peephole = unit.Peephole is null ? default : unit.Peephole.Values;
        Span<float> dPeephole = unit.Peephole is null ? default : unit.Peephole.Gradients;

        for (int s = steps - 1; s >= 0; s--)
        {
            int t = unit.Reverse ? steps - 1 - s : s;
            int prev = unit.Reverse ? t + 1 : t;
            int next = unit.Reverse ? t : t + 1;
            Span<float> stepState = stateGradients.Slice(t * hiddenSlot, hiddenSlot);
            Span<float> stepGates = gateGradients.Slice(t * batch * gatesHidden, batch * gatesHidden);
            Span<float> stepHiddenGates = hiddenGateGradients.Slice(t * batch * gatesHidden, batch * gatesHidden);
            dhNext.Clear();

            // Total gradient reaching h(t): from later steps plus this step's output. Padded rows only carry it.
            for (int b = 0; b < batch; b++)
            {
                Span<float> row = stepState.Slice(b * outputHidden, outputHidden);
                dh.Slice(b * outputHidden, outputHidden).CopyTo(row);
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
                    row.CopyTo(dhNext.Slice(b * outputHidden, outputHidden));
                    row.Clear();
                    stepGates.Slice(b * gatesHidden, gatesHidden).Clear();
                    stepHiddenGates.Slice(b * gatesHidden, gatesHidden).Clear();
                }
            }

            ReadOnlySpan<float> stepGateValues = tape.Gates.AsSpan(t * batch * gatesHidden, batch * gatesHidden);
            ReadOnlySpan<float> hPrev = tape.Hidden.AsSpan(prev * hiddenSlot, hiddenSlot);
            if (lstm)
            {
                ReadOnlySpan<float> dhCell = stepState;
                if (projection)
                {
                    // h = W_hr·u, so du = dhᵀ·W_hr; padded rows of dh are zero, so theirs are too.
                    dUnprojected.Clear();
                    MatrixMultiply.AddProduct(batch, hidden, outputHidden, stepState, outputHidden, unit.Projection!.Values, hidden, dUnprojected, hidden);
                    dhCell = dUnprojected;
                }

                ReadOnlySpan<float> cPrev = tape.Cell.AsSpan(prev * cellSlot, cellSlot);
                ReadOnlySpan<float> cNext = tape.Cell.AsSpan(next * cellSlot, cellSlot);
                ReadOnlySpan<float> tanhC = tape.TanhCell.AsSpan(t * cellSlot, cellSlot);
                for (int b = 0; b < batch; b++)
                {
                    if (t >= validSteps[b])
                    {
                        continue;
                    }

                    int g = b * gatesHidden;
                    int c = b * hidden;
                    LstmCell.BackwardRow(
                        hidden, stepGateValues.Slice(g, gatesHidden), cPrev.Slice(c, hidden), cNext.Slice(c, hidden), tanhC.Slice(c, hidden),
                        dhCell.Slice(c, hidden), dc.Slice(c, hidden), stepGates.Slice(g, gatesHidden), peephole, dPeephole);
                }
            }
            else if (gru)
            {
                BackwardGruStep(unit, tape, workspace, t, batch, validSteps, stepGateValues, hPrev, stepState, stepGates, stepHiddenGates, dhNext);
            }
            else
            {
                ReadOnlySpan<float> hNext = tape.Hidden.AsSpan(next * hiddenSlot, hiddenSlot);
                bool relu = o.Cell == CellKind.RnnRelu;
                for (int b = 0; b < batch; b++)
                {
                    if (t < validSteps[b])
                    {
                        int r = b * hidden;
                        RnnCell.BackwardRow(hidden, hNext.Slice(r, hidden), stepState.Slice(r, hidden), stepGates.Slice(r, hidden), relu);
                    }
                }
            }

            // dh(t−1) += dG_hh · W_hh (for the original GRU only the r and z blocks: its n block multiplies r ⊙ h).
            if (gru && !o.GruLinearBeforeReset)
            {
                MatrixMultiply.AddProduct(batch, outputHidden, 2 * hidden, stepHiddenGates, gatesHidden, whh, outputHidden, dhNext, outputHidden);
            }
            else
            {
                MatrixMultiply.AddProductPacked(batch, stepHiddenGates, gatesHidden, PackedHiddenTransposed(unit), dhNext, outputHidden);
            }

            Span<float> swap = dh;
            dh = dhNext;
            dhNext = swap;
        }

        dh.CopyTo(workspace.InitialHiddenGradientBuffer.AsSpan(unitIndex * hiddenSlot, hiddenSlot));
        if (lstm)
        {
            dc.CopyTo(workspace.InitialCellGradientBuffer.AsSpan(unitIndex * cellSlot, cellSlot));
        }

        AccumulateWeightGradients(workspace, unit, tape, x, steps, batch, gateGradients, hiddenGateGradients, stateGradients, inputGradient);
    }

    private void BackwardGruStep(
        UnitWeights unit, UnitTape tape, RecurrentWorkspace workspace, int t, int batch, ReadOnlySpan<int> validSteps,
        ReadOnlySpan<float> gateValues, ReadOnlySpan<float> hPrev, ReadOnlySpan<float> stepState,
        Span<float> stepGates, Span<float> stepHiddenGates, Span<float> dhNext)
    {
        int hidden = Options.HiddenSize;
        int gatesHidden = 3 * hidden;
        bool linearBeforeReset = Options.GruLinearBeforeReset;
        ReadOnlySpan<float> recurrentNew = tape.GruRecurrentNew.AsSpan(t * batch * hidden, batch * hidden);
        for (int b = 0; b < batch; b++)
        {
            if (t >= validSteps[b])
            {
                continue;
            }

            int g = b * gatesHidden;
            int r = b * hidden;
            GruCell.BackwardRow(
                hidden, gateValues.Slice(g, gatesHidden), recurrentNew.Slice(r, hidden), hPrev.Slice(r, hidden), stepState.Slice(r, hidden),
                stepGates.Slice(g, gatesHidden), stepHiddenGates.Slice(g, gatesHidden), dhNext.Slice(r, hidden), linearBeforeReset);
        }

        if (linearBeforeReset)
        {
            return;
        }

        // Original form: d(r ⊙ h) = dA_n · W_hn, then r's gradient and the r ⊙ d(r ⊙ h) term of dh(t−1).
        Span<float> dResetHidden = workspace.ResetHiddenGradient.AsSpan(0, batch * hidden);
        dResetHidden.Clear();
        MatrixMultiply.AddProduct(
            batch, hidden, hidden, stepHiddenGates.Slice(2 * hidden), gatesHidden,
            unit.HiddenWeights.Values.Slice(2 * hidden * hidden), hidden, dResetHidden, hidden);
        for (int b = 0; b < batch; b++)
        {
            if (t >= validSteps[b])
            {
                continue;
            }

            int g = b * gatesHidden;
            int r = b * hidden;
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

        MatrixMultiply.AddProductPacked(rows, gateGradients, gatesHidden, PackedInputTransposed(unit), inputGradient, inputWidth);
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
