using FastLstm.Kernels;

namespace FastLstm;

public sealed partial class RecurrentLayer
{
    /// <summary>
    /// Whether one step has enough work to repay a fork and join (≈ 0.2 µs with spinning workers, plus h(t) crossing
    /// between the cores' caches). Measured on 2 cores (AVX-512), batch 1, T = 100, I = H, one thread against two: LSTM
    /// H = 64 (33 kFLOP of W_hh product per step) 153 against 170 µs, H = 128 (131 kFLOP) 474 against 310 µs; GRU H = 128
    /// (98 kFLOP) 338 against 304–314 µs; RNN H = 128 (33 kFLOP) 114 against 106–118 µs. The cut sits at 64 kFLOP.
    /// </summary>
    internal bool WorthSplitting(int batch, long minStepFlops = DefaultMinParallelStepFlops) =>
        2L * batch * GateCount * Options.HiddenSize * Options.OutputHiddenSize >= minStepFlops;

    internal const long DefaultMinParallelStepFlops = 64_000;

    /// <summary>Whether <see cref="ForwardUnitParallel"/> covers this architecture: an LSTM without projection, a GRU in
    /// PyTorch's form (linear_before_reset) or an Elman RNN, whose H is a multiple of 16 (so units split on whole
    /// 16-column panels of W_hh).</summary>
    internal bool CanRunParallel() =>
        Options.HiddenSize % 16 == 0 && Options.Cell switch
        {
            CellKind.Lstm => Options.ProjectionSize == 0,
            CellKind.Gru => Options.GruLinearBeforeReset,
            _ => true,
        };

    /// <summary>
    /// <see cref="ForwardUnit"/> on the workspace's <see cref="WorkerTeam"/>: the input projection split by rows, and
    /// each time step split by batch rows (B ≥ threads) or, for smaller batches, by hidden units, every thread running
    /// its share of the W_hh product and of the cell: all steps as one gang run with a barrier per step
    /// (<see cref="UnitStepsJob"/>), or, when some row ends early or a worker does not turn up, one fork and join per step. Every element is computed by
    /// the same operations in the same order as on one thread, so the results are bit-identical to it.
    /// </summary>
    private unsafe void ForwardUnitParallel(
        RecurrentWorkspace workspace, int layer, int direction, ReadOnlySpan<float> x, int steps, int batch, WeightPrecision precision)
    {
        RecurrentOptions o = Options;
        UnitWeights unit = Unit(layer, direction);
        int unitIndex = (layer * o.Directions) + direction;
        UnitTape tape = workspace.Units[unitIndex];
        int hidden = o.HiddenSize;
        int gatesHidden = GateCount * hidden;
        int hiddenSlot = batch * hidden;
        int rows = steps * batch;
        bool lstm = o.Cell == CellKind.Lstm;
        WorkerTeam team = workspace.Team!;
        WorkspaceJobs jobs = workspace.ParallelJobs!;

        CombineBias(unit, workspace.CombinedBias);
        int firstSlot = unit.Reverse ? steps : 0;
        workspace.InitialHiddenBuffer.AsSpan(unitIndex * hiddenSlot, hiddenSlot).CopyTo(tape.Hidden.AsSpan(firstSlot * hiddenSlot, hiddenSlot));
        if (lstm)
        {
            workspace.InitialCellBuffer.AsSpan(unitIndex * hiddenSlot, hiddenSlot).CopyTo(tape.Cell.AsSpan(firstSlot * hiddenSlot, hiddenSlot));
        }

        fixed (float* px = x, pBias = workspace.CombinedBias, pGates = tape.Gates, pHidden = tape.Hidden, pCell = tape.Cell,
               pTanh = tape.TanhCell, pPeephole = unit.Peephole is null ? default : unit.Peephole.Values,
               pHn = tape.GruRecurrentNew, pRecurrent = workspace.Recurrent,
               pHiddenNewBias = o.Cell == CellKind.Gru && unit.HiddenBias is not null ? unit.HiddenBias.Values.Slice(2 * hidden, hidden) : default)
        {
            ProjectionJob projection = jobs.Projection;
            projection.Set(PackedInput(unit), px, unit.InputWidth, pBias, pGates, gatesHidden, rows);
            team.Run(projection);

            // The whole recurrence as one gang run with a barrier per step, when no sequence ends early (a row past its
            // length carries its state, which the run-per-step loop does between steps) and the worker turns up.
            UnitStepsJob gang = jobs.UnitSteps;
            gang.Set(team, this, unit, precision, steps, batch, pGates, pHidden, pCell, pTanh, pPeephole, pHn, pRecurrent, pHiddenNewBias);
            if (AllRowsRun(workspace, batch, steps) && team.RunGang(gang))
            {
                for (int t = 0; t < steps; t++)
                {
                    WriteStepOutputs(workspace, layer, direction, t, batch, 0, batch);
                }
            }
            else
            {
                for (int s = 0; s < steps; s++)
                {
                    WriteStepOutputs(workspace, layer, direction, gang.RunStep(s), batch, 0, batch);
                }
            }
        }

        int lastSlot = unit.Reverse ? 0 : steps;
        tape.Hidden.AsSpan(lastSlot * hiddenSlot, hiddenSlot).CopyTo(workspace.FinalHiddenBuffer.AsSpan(unitIndex * hiddenSlot, hiddenSlot));
        if (lstm)
        {
            tape.Cell.AsSpan(lastSlot * hiddenSlot, hiddenSlot).CopyTo(workspace.FinalCellBuffer.AsSpan(unitIndex * hiddenSlot, hiddenSlot));
        }
    }

    /// <summary>Whether every row runs all <paramref name="steps"/> (no lengths below T).</summary>
    private static bool AllRowsRun(RecurrentWorkspace workspace, int batch, int steps)
    {
        foreach (int length in workspace.LengthsBuffer.AsSpan(0, batch))
        {
            if (length < steps)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether a unit's end-of-backward products (dW_ih, dW_hh, dx: about 2·M·G·H·(2I + Hout) FLOPs over M = T·B rows)
    /// repay waking the team, whose workers have usually gone to sleep during the single-threaded recurrence before
    /// (tens of µs). 4 MFLOP is about 50 µs on one core.
    /// </summary>
    internal bool WorthSplittingBackward(int rows, int inputWidth, long minFlops = DefaultMinParallelBackwardFlops) =>
        2L * rows * GateCount * Options.HiddenSize * ((2L * inputWidth) + Options.OutputHiddenSize) >= minFlops;

    internal const long DefaultMinParallelBackwardFlops = 4_000_000;

    /// <summary>
    /// The products of <see cref="AccumulateWeightGradients"/> on the workspace's <see cref="WorkerTeam"/>, one fork and
    /// join per unit: each product split by disjoint output rows (see <see cref="WeightGradientJob"/>), so every element
    /// is computed as on one thread and the gradients are bit-identical to it. Any cell kind.
    /// </summary>
    private unsafe void AccumulateWeightGradientsParallel(
        RecurrentWorkspace workspace, UnitWeights unit, UnitTape tape, ReadOnlySpan<float> x, int rows,
        ReadOnlySpan<float> gateGradients, ReadOnlySpan<float> hiddenGateGradients, ReadOnlySpan<float> stateGradients,
        ReadOnlySpan<float> previousStates, Span<float> inputGradient)
    {
        RecurrentOptions o = Options;
        int hidden = o.HiddenSize;
        int outputHidden = o.OutputHiddenSize;
        int gatesHidden = GateCount * hidden;
        int inputWidth = unit.InputWidth;
        bool originalGru = o.Cell == CellKind.Gru && !o.GruLinearBeforeReset;
        bool biases = unit.InputBias is not null && unit.HiddenBias is not null;
        WeightGradientJob job = workspace.ParallelJobs!.WeightGradients;
        job.Clear();

        fixed (float* dG = gateGradients, dGh = hiddenGateGradients, dState = stateGradients, px = x, hPrev = previousStates,
               dx = inputGradient, dWih = unit.InputWeights.Gradients, dWhh = unit.HiddenWeights.Gradients,
               dBih = biases ? unit.InputBias!.Gradients : default, dBhh = biases ? unit.HiddenBias!.Gradients : default,
               dWhr = unit.Projection is null ? default : unit.Projection.Gradients,
               unprojected = unit.Projection is null ? default : tape.Unprojected.AsSpan(0, rows * hidden),
               recurrentNew = originalGru ? tape.GruRecurrentNew.AsSpan(0, rows * hidden) : default)
        {
            // The same products as AccumulateWeightGradients, in the same form.
            job.AddTransposedA(gatesHidden, inputWidth, rows, dG, gatesHidden, px, inputWidth, dWih, inputWidth);
            if (biases)
            {
                job.AddRowSums(rows, gatesHidden, dG, gatesHidden, dBih);
                job.AddRowSums(rows, gatesHidden, dGh, gatesHidden, dBhh);
            }

            if (originalGru)
            {
                job.AddTransposedA(2 * hidden, hidden, rows, dGh, gatesHidden, hPrev, hidden, dWhh, hidden);
                job.AddTransposedA(hidden, hidden, rows, dGh + (2 * hidden), gatesHidden, recurrentNew, hidden, dWhh + (2 * hidden * hidden), hidden);
            }
            else
            {
                job.AddTransposedA(gatesHidden, outputHidden, rows, dGh, gatesHidden, hPrev, outputHidden, dWhh, outputHidden);
            }

            if (unit.Projection is not null)
            {
                job.AddTransposedA(outputHidden, hidden, rows, dState, outputHidden, unprojected, hidden, dWhr, hidden);
            }

            if (!inputGradient.IsEmpty)
            {
                job.SetInputGradient(rows, dG, gatesHidden, PackedInputTransposed(unit), dx, inputWidth);
            }

            workspace.Team!.Run(job);
        }
    }
}
