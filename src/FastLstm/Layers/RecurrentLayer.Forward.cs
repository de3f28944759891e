using FastLstm.Kernels;

namespace FastLstm;

public sealed partial class RecurrentLayer
{
    /// <summary>
    /// Runs the whole stack over a batch of sequences and records what <see cref="Backward"/> needs.
    /// Results are read from the workspace: <see cref="RecurrentWorkspace.Output"/>,
    /// <see cref="RecurrentWorkspace.FinalHidden"/>, <see cref="RecurrentWorkspace.FinalCell"/>.
    /// </summary>
    /// <param name="workspace">From <see cref="CreateWorkspace"/> of this layer.</param>
    /// <param name="input">x (T, B, I), time-major.</param>
    /// <param name="sequenceLength">T ≥ 1.</param>
    /// <param name="batchSize">B ≥ 1.</param>
    /// <param name="lengths">Empty for all T, else B lengths with 0 ≤ L_b ≤ T. Values of x past L_b are ignored (keep them finite).</param>
    /// <param name="initialHidden">h0 (L·D, B, Hout), or empty for zeros. May be the workspace's own
    /// <see cref="RecurrentWorkspace.FinalHidden"/> (truncated BPTT): it is copied before anything is written.</param>
    /// <param name="initialCell">c0 (L·D, B, H) for an LSTM, or empty for zeros.</param>
    /// <param name="training">Apply dropout between layers (when <see cref="RecurrentOptions.Dropout"/> &gt; 0), and use float32
    /// weights whatever <see cref="InferencePrecision"/> says (a pass that <see cref="Backward"/> will follow).</param>
    /// <exception cref="ArgumentException">A span's length, a length value or the workspace does not fit; the message
    /// names the argument with the expected and actual values.</exception>
    public void Forward(
        RecurrentWorkspace workspace,
        ReadOnlySpan<float> input,
        int sequenceLength,
        int batchSize,
        ReadOnlySpan<int> lengths = default,
        ReadOnlySpan<float> initialHidden = default,
        ReadOnlySpan<float> initialCell = default,
        bool training = false)
    {
        ValidateForward(workspace, input, sequenceLength, batchSize, lengths, initialHidden, initialCell);
        int steps = sequenceLength;
        int batch = batchSize;
        RecurrentOptions o = Options;
        EnsureWorkspace(workspace, steps, batch);

        // Copy every initial state first: h0 may alias FinalHidden, which the layers below overwrite.
        int hiddenStates = StateCount * batch * o.OutputHiddenSize;
        int cellStates = StateCount * batch * o.HiddenSize;
        CopyOrClear(initialHidden, workspace.InitialHiddenBuffer.AsSpan(0, hiddenStates));
        if (o.HasCellState)
        {
            CopyOrClear(initialCell, workspace.InitialCellBuffer.AsSpan(0, cellStates));
        }

        Span<int> validSteps = workspace.LengthsBuffer.AsSpan(0, batch);
        if (lengths.IsEmpty)
        {
            validSteps.Fill(steps);
        }
        else
        {
            lengths.CopyTo(validSteps);
        }

        input.CopyTo(workspace.InputCopy);
        workspace.SequenceLength = steps;
        workspace.BatchSize = batch;
        workspace.Training = training;
        WeightPrecision precision = training ? WeightPrecision.Float32 : InferencePrecision;
        workspace.ForwardPrecision = precision;
        workspace.HasForward = false;
        workspace.HasBackward = false;

        for (int layer = 0; layer < o.NumLayers; layer++)
        {
            ReadOnlySpan<float> layerInput = LayerInput(workspace, layer, steps * batch, training, drawMask: true);
            for (int direction = 0; direction < o.Directions; direction++)
            {
                ForwardUnit(workspace, layer, direction, layerInput, steps, batch, precision);
            }
        }

        workspace.HasForward = true;
    }

    /// <summary>The input layer <paramref name="layer"/> reads: x, or the previous layer's output (dropped out while training).</summary>
    private ReadOnlySpan<float> LayerInput(RecurrentWorkspace workspace, int layer, int rows, bool training, bool drawMask)
    {
        if (layer == 0)
        {
            return workspace.InputCopy.AsSpan(0, rows * Options.InputSize);
        }

        int width = Options.OutputSize;
        ReadOnlySpan<float> below = workspace.LayerOutputs[layer - 1].AsSpan(0, rows * width);
        if (!training || Options.Dropout == 0f)
        {
            return below;
        }

        Span<float> mask = workspace.DropoutMasks[layer].AsSpan(0, rows * width);
        Span<float> dropped = workspace.DroppedInputs[layer].AsSpan(0, rows * width);
        if (drawMask)
        {
            // Inverted dropout: kept units are scaled by 1/(1−p) so inference needs no rescaling.
            float keepScale = 1f / (1f - Options.Dropout);
            for (int i = 0; i < mask.Length; i++)
            {
                mask[i] = workspace.DropoutRandom.NextSingle() >= Options.Dropout ? keepScale : 0f;
            }

            System.Numerics.Tensors.TensorPrimitives.Multiply(below, mask, dropped);
        }

        return dropped;
    }

    private void ForwardUnit(
        RecurrentWorkspace workspace, int layer, int direction, ReadOnlySpan<float> x, int steps, int batch, WeightPrecision precision)
    {
        // Threads: many rows split by rows for the whole sequence (rows never meet, so one fork and join in all); few
        // rows split each step by hidden units, where the architecture allows it and while that is measured to be the
        // faster way (SplitAdvisor: a fork and join per step costs what the cores' hand-over costs at the moment).
        WorkerTeam? team = workspace.Team is not null && WorthSplitting(batch, workspace.MinParallelStepFlops) ? workspace.Team : null;
        bool splitRows = team is not null && batch >= RowsPerThread * team.Size;
        if (team is not null && !splitRows && CanRunParallel())
        {
            SplitAdvisor advisor = workspace.StepSplitAdvisors[(layer * Options.Directions) + direction];
            bool splitUnits = !workspace.AdaptiveSplit || advisor.PreferThreads();
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            if (splitUnits)
            {
                ForwardUnitParallel(workspace, layer, direction, x, steps, batch, precision);
            }
            else
            {
                ForwardUnitOnRows(workspace, layer, direction, x, steps, batch, precision, team, splitRows: false);
            }

            if (workspace.AdaptiveSplit)
            {
                advisor.Record(splitUnits, System.Diagnostics.Stopwatch.GetTimestamp() - started, (long)steps * batch);
            }
            return;
        }

        ForwardUnitOnRows(workspace, layer, direction, x, steps, batch, precision, team, splitRows);
    }

    /// <summary>
    /// <see cref="ForwardUnit"/> without splitting steps by units: the input projection on <paramref name="team"/> (by
    /// rows) when there is one, then the steps for all rows on the caller's thread, or for each thread's rows on its
    /// own when <paramref name="splitRows"/>.
    /// </summary>
    private unsafe void ForwardUnitOnRows(
        RecurrentWorkspace workspace, int layer, int direction, ReadOnlySpan<float> x, int steps, int batch, WeightPrecision precision,
        WorkerTeam? team, bool splitRows)
    {
        RecurrentOptions o = Options;
        UnitWeights unit = Unit(layer, direction);
        int unitIndex = (layer * o.Directions) + direction;
        UnitTape tape = workspace.Units[unitIndex];
        int hidden = o.HiddenSize;
        int gatesHidden = GateCount * hidden;
        int hiddenSlot = batch * o.OutputHiddenSize;
        int cellSlot = batch * hidden;
        bool lstm = o.HasCellState;
        CombineBias(unit, workspace.CombinedBias);
        if (team is not null)
        {
            fixed (float* px = x, pBias = workspace.CombinedBias, pGates = tape.Gates)
            {
                ProjectionJob projection = workspace.ParallelJobs!.Projection;
                projection.Set(PackedInput(unit), px, unit.InputWidth, pBias, pGates, gatesHidden, steps * batch);
                team.Run(projection);
            }
        }
        else
        {
            ProjectInput(unit, steps * batch, gatesHidden, workspace.CombinedBias, x, tape.Gates);
        }

        int firstSlot = unit.Reverse ? steps : 0;
        workspace.InitialHiddenBuffer.AsSpan(unitIndex * hiddenSlot, hiddenSlot).CopyTo(tape.Hidden.AsSpan(firstSlot * hiddenSlot, hiddenSlot));
        if (lstm)
        {
            workspace.InitialCellBuffer.AsSpan(unitIndex * cellSlot, cellSlot).CopyTo(tape.Cell.AsSpan(firstSlot * cellSlot, cellSlot));
        }

        if (splitRows)
        {
            ForwardRowsJob rowsJob = workspace.ParallelJobs!.Rows;
            rowsJob.Set(this, workspace, layer, direction, steps, batch, precision);
            team!.Run(rowsJob);
        }
        else
        {
            RunSteps(workspace, layer, direction, steps, batch, 0, batch, precision);
        }

        int lastSlot = unit.Reverse ? 0 : steps;
        tape.Hidden.AsSpan(lastSlot * hiddenSlot, hiddenSlot).CopyTo(workspace.FinalHiddenBuffer.AsSpan(unitIndex * hiddenSlot, hiddenSlot));
        if (lstm)
        {
            tape.Cell.AsSpan(lastSlot * cellSlot, cellSlot).CopyTo(workspace.FinalCellBuffer.AsSpan(unitIndex * cellSlot, cellSlot));
        }
    }

    /// <summary>Rows a thread gets at least before a sequence is split by rows: one full micro-kernel block of the GEMM.</summary>
    internal const int RowsPerThread = 8;

    /// <summary>
    /// The recurrence of one unit for the batch rows [<paramref name="b0"/>, <paramref name="b1"/>) over every step, the
    /// input projection already in the tape: each step's product and cell, the outputs, and the state carried past each
    /// sequence's end. Rows never interact, so any split of the batch gives the same numbers as the whole batch.
    /// </summary>
    internal void RunSteps(RecurrentWorkspace workspace, int layer, int direction, int steps, int batch, int b0, int b1, WeightPrecision precision)
    {
        RecurrentOptions o = Options;
        UnitWeights unit = Unit(layer, direction);
        UnitTape tape = workspace.Units[(layer * o.Directions) + direction];
        int hidden = o.HiddenSize;
        int outputHidden = o.OutputHiddenSize;
        int gatesHidden = GateCount * hidden;
        int hiddenSlot = batch * outputHidden;
        int cellSlot = batch * hidden;
        bool lstm = o.HasCellState;
        int rows = b1 - b0;
        Span<float> recurrent = workspace.Recurrent.AsSpan(b0 * gatesHidden, rows * gatesHidden);
        Span<float> resetHidden = workspace.ResetHidden.AsSpan(b0 * hidden, rows * hidden);
        for (int s = 0; s < steps; s++)
        {
            int t = unit.Reverse ? steps - 1 - s : s;
            int prev = unit.Reverse ? t + 1 : t;
            int next = unit.Reverse ? t : t + 1;
            Span<float> hPrev = tape.Hidden.AsSpan((prev * hiddenSlot) + (b0 * outputHidden), rows * outputHidden);
            Span<float> hNext = tape.Hidden.AsSpan((next * hiddenSlot) + (b0 * outputHidden), rows * outputHidden);
            Span<float> cPrev = lstm ? tape.Cell.AsSpan((prev * cellSlot) + (b0 * hidden), rows * hidden) : default;
            Span<float> cNext = lstm ? tape.Cell.AsSpan((next * cellSlot) + (b0 * hidden), rows * hidden) : default;
            int stepCells = (t * cellSlot) + (b0 * hidden);

            StepUnit(
                unit, rows,
                tape.Gates.AsSpan(((t * batch) + b0) * gatesHidden, rows * gatesHidden),
                hPrev, cPrev, hNext, cNext,
                lstm ? tape.TanhCell.AsSpan(stepCells, rows * hidden) : default,
                o.ProjectionSize > 0 ? tape.Unprojected.AsSpan(stepCells, rows * hidden) : default,
                o.Cell == CellKind.Gru ? tape.GruRecurrentNew.AsSpan(stepCells, rows * hidden) : default,
                recurrent, resetHidden, precision);

            WriteStepOutputs(workspace, layer, direction, t, batch, b0, b1);
        }
    }

    /// <summary>
    /// After step <paramref name="t"/> of one unit, for the rows [<paramref name="b0"/>, <paramref name="b1"/>): copies h(t)
    /// into the layer's output, or, past a sequence's end (before its start, in reverse), carries its state on and
    /// outputs zeros.
    /// </summary>
    internal void WriteStepOutputs(RecurrentWorkspace workspace, int layer, int direction, int t, int batch, int b0, int b1)
    {
        RecurrentOptions o = Options;
        UnitTape tape = workspace.Units[(layer * o.Directions) + direction];
        bool reverse = Unit(layer, direction).Reverse;
        int prev = reverse ? t + 1 : t;
        int next = reverse ? t : t + 1;
        int hidden = o.HiddenSize;
        int outputHidden = o.OutputHiddenSize;
        int hiddenSlot = batch * outputHidden;
        int cellSlot = batch * hidden;
        int outputWidth = o.OutputSize;
        ReadOnlySpan<int> validSteps = workspace.LengthsBuffer.AsSpan(0, batch);
        Span<float> output = workspace.LayerOutputs[layer];
        for (int b = b0; b < b1; b++)
        {
            Span<float> outRow = output.Slice((((t * batch) + b) * outputWidth) + (direction * outputHidden), outputHidden);
            Span<float> hNext = tape.Hidden.AsSpan((next * hiddenSlot) + (b * outputHidden), outputHidden);
            if (t < validSteps[b])
            {
                hNext.CopyTo(outRow);
                continue;
            }

            tape.Hidden.AsSpan((prev * hiddenSlot) + (b * outputHidden), outputHidden).CopyTo(hNext);
            if (o.HasCellState)
            {
                tape.Cell.AsSpan((prev * cellSlot) + (b * hidden), hidden).CopyTo(tape.Cell.AsSpan((next * cellSlot) + (b * hidden), hidden));
            }

            outRow.Clear();
        }
    }

    private void ValidateForward(
        RecurrentWorkspace workspace, ReadOnlySpan<float> input, int sequenceLength, int batchSize,
        ReadOnlySpan<int> lengths, ReadOnlySpan<float> initialHidden, ReadOnlySpan<float> initialCell)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (!ReferenceEquals(workspace.Owner, this))
        {
            ThrowHelper.Argument(nameof(workspace), "The workspace was created by another layer; use this layer's CreateWorkspace().");
        }

        if (sequenceLength < 1)
        {
            ThrowHelper.OutOfRange(nameof(sequenceLength), $"sequenceLength must be at least 1; got {sequenceLength}.");
        }

        if (batchSize < 1)
        {
            ThrowHelper.OutOfRange(nameof(batchSize), $"batchSize must be at least 1; got {batchSize}.");
        }

        RecurrentOptions o = Options;
        ThrowHelper.CheckLength(input, nameof(input), "T·B·I", sequenceLength, batchSize, o.InputSize);
        ThrowHelper.CheckOptionalLength(initialHidden, nameof(initialHidden), "(L·D)·B·Hout", StateCount, batchSize, o.OutputHiddenSize);
        if (o.HasCellState)
        {
            ThrowHelper.CheckOptionalLength(initialCell, nameof(initialCell), "(L·D)·B·H", StateCount, batchSize, o.HiddenSize);
        }
        else if (!initialCell.IsEmpty)
        {
            ThrowHelper.Argument(nameof(initialCell), $"A {o.Cell} layer has no cell state; initialCell must be empty, got {initialCell.Length} values.");
        }

        if (!lengths.IsEmpty)
        {
            if (lengths.Length != batchSize)
            {
                ThrowHelper.Argument(nameof(lengths), $"lengths must hold one length per sequence, B = {batchSize}; got {lengths.Length}.");
            }

            for (int b = 0; b < lengths.Length; b++)
            {
                if ((uint)lengths[b] > (uint)sequenceLength)
                {
                    ThrowHelper.OutOfRange(nameof(lengths), $"lengths[{b}] must be between 0 and sequenceLength = {sequenceLength}; got {lengths[b]}.");
                }
            }
        }
    }

    private void EnsureWorkspace(RecurrentWorkspace workspace, int steps, int batch)
    {
        RecurrentOptions o = Options;
        int rows = steps * batch;
        int hidden = o.HiddenSize;
        int gatesHidden = GateCount * hidden;
        foreach (UnitTape tape in workspace.Units)
        {
            tape.Ensure(steps, batch, gatesHidden, hidden, o.OutputHiddenSize, o.HasCellState, o.ProjectionSize > 0, o.Cell == CellKind.Gru);
        }

        for (int layer = 0; layer < o.NumLayers; layer++)
        {
            UnitTape.Grow(ref workspace.LayerOutputs[layer], rows * o.OutputSize);
            if (layer > 0 && o.Dropout > 0f)
            {
                UnitTape.Grow(ref workspace.DroppedInputs[layer], rows * o.OutputSize);
                UnitTape.Grow(ref workspace.DropoutMasks[layer], rows * o.OutputSize);
            }
        }

        int states = StateCount * batch;
        UnitTape.Grow(ref workspace.InputCopy, rows * o.InputSize);
        UnitTape.Grow(ref workspace.FinalHiddenBuffer, states * o.OutputHiddenSize);
        UnitTape.Grow(ref workspace.InitialHiddenBuffer, states * o.OutputHiddenSize);
        if (o.HasCellState)
        {
            UnitTape.Grow(ref workspace.FinalCellBuffer, states * hidden);
            UnitTape.Grow(ref workspace.InitialCellBuffer, states * hidden);
        }

        if (workspace.LengthsBuffer.Length < batch)
        {
            workspace.LengthsBuffer = new int[batch];
        }

        workspace.Recurrent.Grow(batch * gatesHidden);
        UnitTape.Grow(ref workspace.CombinedBias, gatesHidden);
        UnitTape.Grow(ref workspace.ResetHidden, batch * hidden);
    }

    private static void CopyOrClear(ReadOnlySpan<float> source, Span<float> target)
    {
        if (source.IsEmpty)
        {
            target.Clear();
        }
        else
        {
            source.CopyTo(target);
        }
    }
}
