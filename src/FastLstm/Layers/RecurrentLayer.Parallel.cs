using FastLstm.Kernels;

namespace FastLstm;

public sealed partial class RecurrentLayer
{
    /// <summary>Whether <see cref="ForwardUnitParallel"/> covers this architecture: an LSTM without projection whose
    /// H is a multiple of 16 (so units split on whole 16-column panels of W_hh).</summary>
    /// <summary>
    /// Whether one step has enough work to repay a fork and join. Measured with the --compare harness on 2 cores
    /// (AVX-512): batch 1 at H = 128 (≈ 0.5 MFLOP per step) ran 1.35× slower on 2 threads than on one, H = 512
    /// (≈ 8 MFLOP) 1.9× faster; the cut sits between them, at 2 MFLOP of W_hh product per step.
    /// </summary>
    internal bool WorthSplitting(int batch, long minStepFlops = DefaultMinParallelStepFlops) =>
        2L * batch * GateCount * Options.HiddenSize * Options.OutputHiddenSize >= minStepFlops;

    internal const long DefaultMinParallelStepFlops = 2_000_000;

    internal bool CanRunParallel() => Options.Cell == CellKind.Lstm && Options.ProjectionSize == 0 && Options.HiddenSize % 16 == 0;

    /// <summary>
    /// <see cref="ForwardUnit"/> on the workspace's <see cref="WorkerTeam"/>: the input projection split by rows, and
    /// each time step split by batch rows (B ≥ threads) or, for smaller batches, by hidden units, every thread running
    /// its share of the W_hh product and of the cell, with one fork and join per step. Every element is computed by
    /// the same operations in the same order as on one thread, so the results are bit-identical to it.
    /// </summary>
    private unsafe void ForwardUnitParallel(
        RecurrentWorkspace workspace, int layer, int direction, ReadOnlySpan<float> x, int steps, int batch, ReadOnlySpan<int> validSteps)
    {
        RecurrentOptions o = Options;
        UnitWeights unit = Unit(layer, direction);
        int unitIndex = (layer * o.Directions) + direction;
        UnitTape tape = workspace.Units[unitIndex];
        int hidden = o.HiddenSize;
        int gatesHidden = GateCount * hidden;
        int hiddenSlot = batch * hidden;
        int rows = steps * batch;
        WorkerTeam team = workspace.Team!;
        ParallelLstmJobs jobs = workspace.ParallelJobs!;

        CombineBias(unit, workspace.CombinedBias);
        int firstSlot = unit.Reverse ? steps : 0;
        workspace.InitialHiddenBuffer.AsSpan(unitIndex * hiddenSlot, hiddenSlot).CopyTo(tape.Hidden.AsSpan(firstSlot * hiddenSlot, hiddenSlot));
        workspace.InitialCellBuffer.AsSpan(unitIndex * hiddenSlot, hiddenSlot).CopyTo(tape.Cell.AsSpan(firstSlot * hiddenSlot, hiddenSlot));
        int outputWidth = o.OutputSize;
        Span<float> output = workspace.LayerOutputs[layer];

        fixed (float* px = x, pBias = workspace.CombinedBias, pGates = tape.Gates, pHidden = tape.Hidden, pCell = tape.Cell,
               pTanh = tape.TanhCell, pPeephole = unit.Peephole is null ? default : unit.Peephole.Values)
        {
            ProjectionJob projection = jobs.Projection;
            projection.Set(PackedInput(unit), px, unit.InputWidth, pBias, pGates, gatesHidden, rows);
            team.Run(projection);

            StepJob step = jobs.Step;
            for (int s = 0; s < steps; s++)
            {
                int t = unit.Reverse ? steps - 1 - s : s;
                int prev = unit.Reverse ? t + 1 : t;
                int next = unit.Reverse ? t : t + 1;
                step.Set(
                    PackedHidden(unit), batch, hidden, pGates + ((long)t * batch * gatesHidden), pHidden + ((long)prev * hiddenSlot),
                    pCell + ((long)prev * hiddenSlot), pHidden + ((long)next * hiddenSlot), pCell + ((long)next * hiddenSlot),
                    pTanh + ((long)t * hiddenSlot), pPeephole);
                team.Run(step);

                // As in ForwardUnit: outputs, and the state carried past each sequence's end.
                Span<float> hPrev = tape.Hidden.AsSpan(prev * hiddenSlot, hiddenSlot);
                Span<float> hNext = tape.Hidden.AsSpan(next * hiddenSlot, hiddenSlot);
                for (int b = 0; b < batch; b++)
                {
                    Span<float> outRow = output.Slice((((t * batch) + b) * outputWidth) + (direction * hidden), hidden);
                    if (t < validSteps[b])
                    {
                        hNext.Slice(b * hidden, hidden).CopyTo(outRow);
                        continue;
                    }

                    hPrev.Slice(b * hidden, hidden).CopyTo(hNext.Slice(b * hidden, hidden));
                    tape.Cell.AsSpan((prev * hiddenSlot) + (b * hidden), hidden).CopyTo(tape.Cell.AsSpan((next * hiddenSlot) + (b * hidden), hidden));
                    outRow.Clear();
                }
            }
        }

        int lastSlot = unit.Reverse ? 0 : steps;
        tape.Hidden.AsSpan(lastSlot * hiddenSlot, hiddenSlot).CopyTo(workspace.FinalHiddenBuffer.AsSpan(unitIndex * hiddenSlot, hiddenSlot));
        tape.Cell.AsSpan(lastSlot * hiddenSlot, hiddenSlot).CopyTo(workspace.FinalCellBuffer.AsSpan(unitIndex * hiddenSlot, hiddenSlot));
    }
}
