using FastLstm.Cells;
using FastLstm.Kernels;

namespace FastLstm;

public sealed partial class RecurrentLayer
{
    /// <summary>Whether <see cref="ForwardUnitParallel"/> covers this architecture: an LSTM without projection whose
    /// H is a multiple of 16 (so units split on whole 16-column panels of W_hh).</summary>
    private bool CanRunParallel() => Options.Cell == CellKind.Lstm && Options.ProjectionSize == 0 && Options.HiddenSize % 16 == 0;

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

/// <summary>The job objects one workspace reuses for its threaded forward passes (allocated once).</summary>
internal sealed class ParallelLstmJobs
{
    public ProjectionJob Projection { get; } = new();

    public StepJob Step { get; } = new();
}

/// <summary>gates (M, G·H) = bias + x·W_ihᵀ, the M rows split in runs of 8 across the threads.</summary>
internal sealed unsafe class ProjectionJob : ITeamJob
{
    private PackedMatrix _weights = null!;
    private float* _x;
    private int _inputWidth;
    private float* _bias;
    private float* _gates;
    private int _gatesHidden;
    private int _rows;

    public void Set(PackedMatrix weights, float* x, int inputWidth, float* bias, float* gates, int gatesHidden, int rows)
    {
        _weights = weights;
        _x = x;
        _inputWidth = inputWidth;
        _bias = bias;
        _gates = gates;
        _gatesHidden = gatesHidden;
        _rows = rows;
    }

    public void Execute(int part, int parts)
    {
        (int start, int end) = ParallelSplit.Range(_rows, part, parts, 8);
        if (start == end)
        {
            return;
        }

        var bias = new ReadOnlySpan<float>(_bias, _gatesHidden);
        var gates = new Span<float>(_gates + ((long)start * _gatesHidden), (end - start) * _gatesHidden);
        for (int row = 0; row < end - start; row++)
        {
            bias.CopyTo(gates.Slice(row * _gatesHidden, _gatesHidden));
        }

        var x = new ReadOnlySpan<float>(_x + ((long)start * _inputWidth), (end - start) * _inputWidth);
        MatrixMultiply.AddProductPacked(end - start, x, _inputWidth, _weights, gates, _gatesHidden);
    }
}

/// <summary>
/// One LSTM time step: gates += h(t−1)·W_hhᵀ, then the cell. Split by batch rows when there are at least as many
/// rows as threads, else by hidden units (each thread: the same units of all four gate blocks, then their cell).
/// </summary>
internal sealed unsafe class StepJob : ITeamJob
{
    private PackedMatrix _weights = null!;
    private int _batch;
    private int _hidden;
    private float* _gates;
    private float* _hPrev;
    private float* _cPrev;
    private float* _hNext;
    private float* _cNext;
    private float* _tanhC;
    private float* _peephole;

    public void Set(PackedMatrix weights, int batch, int hidden, float* gates, float* hPrev, float* cPrev, float* hNext, float* cNext, float* tanhC, float* peephole)
    {
        _weights = weights;
        _batch = batch;
        _hidden = hidden;
        _gates = gates;
        _hPrev = hPrev;
        _cPrev = cPrev;
        _hNext = hNext;
        _cNext = cNext;
        _tanhC = tanhC;
        _peephole = peephole;
    }

    public void Execute(int part, int parts)
    {
        int hidden = _hidden;
        int g4 = 4 * hidden;
        ReadOnlySpan<float> peephole = _peephole == null ? default : new ReadOnlySpan<float>(_peephole, 3 * hidden);
        if (_batch >= parts)
        {
            (int b0, int b1) = ParallelSplit.Range(_batch, part, parts, 1);
            int n = b1 - b0;
            var gates = new Span<float>(_gates + ((long)b0 * g4), n * g4);
            MatrixMultiply.AddProductPacked(n, new ReadOnlySpan<float>(_hPrev + ((long)b0 * hidden), n * hidden), hidden, _weights, gates, g4);
            LstmCell.Forward(
                n, hidden, gates, default, new ReadOnlySpan<float>(_cPrev + ((long)b0 * hidden), n * hidden),
                new Span<float>(_cNext + ((long)b0 * hidden), n * hidden), new Span<float>(_tanhC + ((long)b0 * hidden), n * hidden),
                new Span<float>(_hNext + ((long)b0 * hidden), n * hidden), peephole);
            return;
        }

        // Units [u0, u1) of every gate block: whole 64-column groups of W_hh where H allows, else 16-column panels.
        (int u0, int u1) = ParallelSplit.Range(hidden, part, parts, hidden >= 64 * parts ? 64 : 16);
        if (u0 == u1)
        {
            return;
        }

        int all = _batch * hidden;
        var allGates = new Span<float>(_gates, _batch * g4);
        var hPrev = new ReadOnlySpan<float>(_hPrev, all);
        for (int g = 0; g < 4; g++)
        {
            int first = (g * hidden) + u0;
            MatrixMultiply.AddProductPacked(_batch, hPrev, hidden, _weights, allGates, g4, first / 16, ((g * hidden) + u1 + 15) / 16);
        }

        LstmCell.Forward(
            _batch, hidden, u0, u1, allGates, default, new ReadOnlySpan<float>(_cPrev, all), new Span<float>(_cNext, all),
            new Span<float>(_tanhC, all), new Span<float>(_hNext, all), peephole);
    }
}

/// <summary>How a team splits a count.</summary>
internal static class ParallelSplit
{
    /// <summary>Part <paramref name="part"/> of <paramref name="parts"/> of [0, count), in whole multiples of <paramref name="align"/>.</summary>
    public static (int Start, int End) Range(int count, int part, int parts, int align)
    {
        int units = (count + align - 1) / align;
        int per = units / parts;
        int extra = units % parts;
        int start = ((part * per) + Math.Min(part, extra)) * align;
        int end = start + ((per + (part < extra ? 1 : 0)) * align);
        return (Math.Min(start, count), Math.Min(end, count));
    }
}
