using FastLstm.Kernels;

namespace FastLstm;

public sealed partial class RecurrentLayer
{
    /// <summary>
    /// One layer of <see cref="Step"/> on the state's <see cref="WorkerTeam"/>, when it has one and the step is worth
    /// splitting: each thread computes its hidden units' (or streams') input projection, W_hh product and cell, one
    /// fork and join in all. The same operations in the same order as on one thread, so bit-identical to it.
    /// </summary>
    /// <returns>False when the layer should run on the caller's thread instead (nothing was written): no team, a step
    /// too small or of another cell kind, or the state's <see cref="SplitAdvisor"/> timing the one-thread way faster.</returns>
    private bool TryStepParallel(RecurrentState state, int layer, ReadOnlySpan<float> x, Span<float> h, Span<float> c, WeightPrecision precision)
    {
        int batch = state.BatchSize;
        if (state.Team is null || Options.Cell != CellKind.Lstm || !CanRunParallel() || !WorthSplittingStep(batch, layer, state.MinParallelStepFlops))
        {
            return false;
        }

        if (!state.AdaptiveSplit)
        {
            StepParallel(state, layer, x, h, c, precision);
            return true;
        }

        // Both ways are timed here (the one-thread way through StepLayer) so the advisor compares like with like.
        SplitAdvisor advisor = state.StepAdvisors[layer];
        bool threads = advisor.PreferThreads();
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        if (threads)
        {
            StepParallel(state, layer, x, h, c, precision);
        }
        else
        {
            StepLayer(state, layer, x, h, c, precision);
        }

        advisor.Record(threads, System.Diagnostics.Stopwatch.GetTimestamp() - started);
        return true;
    }

    private unsafe void StepParallel(RecurrentState state, int layer, ReadOnlySpan<float> x, Span<float> h, Span<float> c, WeightPrecision precision)
    {
        int batch = state.BatchSize;
        UnitWeights unit = Unit(layer, 0);
        int hidden = Options.HiddenSize;
        int gatesHidden = GateCount * hidden;
        StepJob job = state.StepJob!;
        fixed (float* px = x, ph = h, pc = c, pGates = state.Gates, pBias = state.CombinedBias.AsSpan(layer * gatesHidden, gatesHidden),
               pHNext = state.HiddenNext, pCNext = state.CellNext, pTanh = state.TanhCell,
               pPeephole = unit.Peephole is null ? default : unit.Peephole.Values)
        {
            job.Set(this, unit, precision, batch, hidden, pGates, ph, pc, pHNext, pCNext, pTanh, pPeephole);
            job.SetInput(px, unit.InputWidth, pBias);
            state.Team!.Run(job);
        }

        state.HiddenNext.AsSpan(0, h.Length).CopyTo(h);
        state.CellNext.AsSpan(0, c.Length).CopyTo(c);
    }

    /// <summary>
    /// Whether one streaming step of layer <paramref name="layer"/> (both products: 2·B·G·H·(I + Hout) FLOPs) repays a fork
    /// and join. Measured on 2 cores (AVX-512), batch 1, I = H, one thread against two, on an idle machine: H = 64
    /// (66 kFLOP) 1.7 against 2.0–2.4 µs, H = 128 (262 kFLOP) 5.7–6.0 against 3.7–3.8 µs (five runs), H = 512 100–103
    /// against 56–68 µs. The cut sits between the first two.
    /// </summary>
    internal bool WorthSplittingStep(int batch, int layer, long minFlops = DefaultMinParallelStreamingFlops) =>
        2L * batch * GateCount * Options.HiddenSize * (Unit(layer, 0).InputWidth + Options.OutputHiddenSize) >= minFlops;

    internal const long DefaultMinParallelStreamingFlops = 200_000;
}
