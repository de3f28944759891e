namespace FastLstm;

/// <summary>
/// The state of B independent streams for <see cref="RecurrentLayer.Step"/>: h and c of every layer, plus the
/// scratch one step needs. The caller owns it: one layer can serve many states (streams) at once, each on its own thread.
/// A state created with more than one thread owns worker threads: dispose it.
/// </summary>
public sealed class RecurrentState : IDisposable
{
    internal readonly AlignedFloats HiddenBuffer;      // (L, B, Hout)
    internal readonly AlignedFloats CellBuffer;        // (L, B, H)
    internal readonly AlignedFloats Gates;             // (B, G·H)
    internal readonly AlignedFloats Recurrent;         // (B, G·H)
    internal readonly float[] CombinedBias;      // (L, G·H) folded biases, rebuilt when the parameters change
    internal readonly AlignedFloats HiddenNext;        // (B, Hout)
    internal readonly AlignedFloats CellNext;          // (B, H)
    internal readonly AlignedFloats TanhCell;          // (B, H)
    internal readonly float[] Unprojected;       // (B, H)
    internal readonly AlignedFloats GruRecurrentNew;   // (B, H)
    internal readonly float[] ResetHidden;       // (B, H)
    internal long BiasVersion = -1;

    // Threads (Kernels/WorkerTeam): null runs every step on the caller's thread and starts no thread.
    internal readonly Kernels.WorkerTeam? Team;
    internal readonly StepJob? StepJob;
    internal long MinParallelStepFlops = RecurrentLayer.DefaultMinParallelStreamingFlops; // tests lower it to reach the threaded path
    internal readonly Kernels.SplitAdvisor[] StepAdvisors;  // per layer: split the step by units, or run it on one thread
    internal bool AdaptiveSplit = true;                     // tests turn it off to force the split

    internal RecurrentState(RecurrentLayer owner, int batchSize, int threads)
    {
        if (threads > 1)
        {
            Team = new Kernels.WorkerTeam(threads);
            StepJob = new StepJob();
        }

        Owner = owner;
        BatchSize = batchSize;
        RecurrentOptions o = owner.Options;
        int gatesHidden = owner.GateCount * o.HiddenSize;
        HiddenBuffer = new AlignedFloats(o.NumLayers * batchSize * o.OutputHiddenSize);
        CellBuffer = new AlignedFloats(o.HasCellState ? o.NumLayers * batchSize * o.HiddenSize : 0);
        Gates = new AlignedFloats(batchSize * gatesHidden);
        Recurrent = new AlignedFloats(batchSize * gatesHidden);
        CombinedBias = new float[o.NumLayers * gatesHidden];
        HiddenNext = new AlignedFloats(batchSize * o.OutputHiddenSize);
        CellNext = new AlignedFloats(batchSize * o.HiddenSize);
        TanhCell = new AlignedFloats(batchSize * o.HiddenSize);
        Unprojected = new float[batchSize * o.HiddenSize];
        GruRecurrentNew = new AlignedFloats(batchSize * o.HiddenSize);
        ResetHidden = new float[batchSize * o.HiddenSize];
        StepAdvisors = new Kernels.SplitAdvisor[o.NumLayers];
        for (int layer = 0; layer < StepAdvisors.Length; layer++)
        {
            StepAdvisors[layer] = new Kernels.SplitAdvisor();
        }
    }

    /// <summary>The layer this state belongs to.</summary>
    public RecurrentLayer Owner { get; }

    /// <summary>Threads a step may use, the caller's included (1: no thread is started).</summary>
    public int Threads => Team?.Size ?? 1;

    /// <summary>Number of independent streams B.</summary>
    public int BatchSize { get; }

    /// <summary>(L, B, Hout) h of every layer; writable, e.g. to start from a known state.</summary>
    public Span<float> Hidden => HiddenBuffer;

    /// <summary>(L, B, H) c of every layer (LSTM); empty for other cells.</summary>
    public Span<float> Cell => CellBuffer;

    /// <summary>Sets every state to zero, to start new streams.</summary>
    public void Reset()
    {
        HiddenBuffer.AsSpan().Clear();
        CellBuffer.AsSpan().Clear();
    }

    /// <summary>Ends the worker threads of a state created with more than one thread (a no-op otherwise).</summary>
    public void Dispose() => Team?.Dispose();
}
