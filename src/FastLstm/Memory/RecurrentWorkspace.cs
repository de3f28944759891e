
namespace FastLstm;

/// <summary>
/// Everything one forward and backward pass of a <see cref="RecurrentLayer"/> writes: outputs, final states,
/// the tape backward reads, and the input and initial-state gradients. Buffers grow to the largest
/// (T, B) seen and are reused, so calls after the first with a given size allocate nothing.
/// </summary>
/// <remarks>
/// A workspace belongs to one layer and one thread at a time; a layer can serve several workspaces on several
/// threads concurrently for inference. The spans it exposes stay valid until the next call that uses it.
/// </remarks>
public sealed class RecurrentWorkspace : IDisposable
{
    // Per layer l and direction d: units[l * D + d].
    internal readonly UnitTape[] Units;

    // (T, B, D·Hout) output of each layer; the last one is Output.
    internal readonly float[][] LayerOutputs;

    // (T, B, D·Hout) dropout-scaled copy of layer l−1's output fed to layer l (index l), and its mask.
    internal readonly float[][] DroppedInputs;
    internal readonly float[][] DropoutMasks;

    internal float[] FinalHiddenBuffer = [];     // (L·D, B, Hout)
    internal float[] FinalCellBuffer = [];       // (L·D, B, H)
    internal float[] InitialHiddenBuffer = [];   // (L·D, B, Hout) zeros or the caller's h0
    internal float[] InitialCellBuffer = [];     // (L·D, B, H)
    internal int[] LengthsBuffer = [];           // (B) valid steps per sequence
    internal float[] InputCopy = [];             // (T, B, I) the input, kept for the weight gradients

    // Per-step scratch shared by all units (they run one after another).
    internal readonly AlignedFloats Recurrent = new();           // (B, G·H) W_hh·h(t−1)
    internal float[] CombinedBias = [];          // (G·H) bias folded into the input projection
    internal float[] ResetHidden = [];           // (B, H) GRU original form: r ⊙ h(t−1)

    // Backward scratch.
    internal float[] GateGradients = [];         // (T, B, G·H) x-side pre-activation gradients
    internal float[] HiddenGateGradients = [];   // (T, B, G·H) h-side ones (GRU, where they differ)
    internal float[] StateGradients = [];        // (T, B, Hout) total gradient reaching h(t) (for W_hr)
    internal float[] HiddenGradient = [];        // (B, Hout) running dh
    internal float[] NextHiddenGradient = [];    // (B, Hout)
    internal float[] CellGradient = [];          // (B, H) running dc
    internal float[] UnprojectedGradient = [];   // (B, H)
    internal float[] ResetHiddenGradient = [];   // (B, H)
    internal float[] LayerGradientA = [];        // (T, B, max width) ping-pong gradients between layers
    internal float[] LayerGradientB = [];
    internal float[] InputGradientBuffer = [];   // (T, B, I)
    internal float[] InitialHiddenGradientBuffer = [];
    internal float[] InitialCellGradientBuffer = [];

    internal readonly Random DropoutRandom;

    // Threads (Kernels/WorkerTeam): null runs everything on the caller's thread and starts no thread.
    internal Kernels.WorkerTeam? Team;
    internal WorkspaceJobs? ParallelJobs;  // the reusable job objects of RecurrentLayer.Parallel.cs and the backward split
    internal long MinParallelStepFlops = RecurrentLayer.DefaultMinParallelStepFlops;         // tests lower both to reach
    internal long MinParallelBackwardFlops = RecurrentLayer.DefaultMinParallelBackwardFlops; // the threaded paths on small shapes
    internal readonly Kernels.SplitAdvisor[] StepSplitAdvisors;  // per unit: split each step by units, or run the steps on one thread
    internal bool AdaptiveSplit = true;                          // tests turn it off to force the split

    /// <summary>Runs this workspace's forward and backward passes on <paramref name="threads"/> threads (1: the caller's only).</summary>
    internal void SetThreads(int threads)
    {
        Team?.Dispose();
        Team = threads > 1 ? new Kernels.WorkerTeam(threads) : null;
        ParallelJobs ??= threads > 1 ? new WorkspaceJobs(threads) : null;
    }

    internal RecurrentWorkspace(RecurrentLayer owner, int dropoutSeed)
    {
        Owner = owner;
        RecurrentOptions options = owner.Options;
        Units = new UnitTape[options.NumLayers * options.Directions];
        StepSplitAdvisors = new Kernels.SplitAdvisor[Units.Length];
        for (int i = 0; i < Units.Length; i++)
        {
            Units[i] = new UnitTape();
            StepSplitAdvisors[i] = new Kernels.SplitAdvisor();
        }

        LayerOutputs = new float[options.NumLayers][];
        DroppedInputs = new float[options.NumLayers][];
        DropoutMasks = new float[options.NumLayers][];
        for (int l = 0; l < options.NumLayers; l++)
        {
            LayerOutputs[l] = [];
            DroppedInputs[l] = [];
            DropoutMasks[l] = [];
        }

        DropoutRandom = new Random(dropoutSeed);
    }

    /// <summary>Threads a forward or backward pass of this workspace may use, the caller's included (1: no thread is started).</summary>
    public int Threads => Team?.Size ?? 1;

    /// <summary>Ends the worker threads of a multi-threaded workspace; a single-threaded one holds none.</summary>
    public void Dispose()
    {
        Team?.Dispose();
        Team = null;
    }

    /// <summary>The layer this workspace serves.</summary>
    public RecurrentLayer Owner { get; }

    /// <summary>T of the last forward pass.</summary>
    public int SequenceLength { get; internal set; }

    /// <summary>B of the last forward pass.</summary>
    public int BatchSize { get; internal set; }

    /// <summary>Whether the last forward pass ran in training mode (dropout on).</summary>
    public bool Training { get; internal set; }

    internal bool HasForward { get; set; }

    /// <summary>The weights the last forward pass used: Backward needs float32 ones (the gradients of the reduced ones are not the model's).</summary>
    internal WeightPrecision ForwardPrecision { get; set; }

    internal bool HasBackward { get; set; }

    /// <summary>(T, B, D·Hout) the last layer's output at every step; directions concatenated, zeros past a sequence's length.</summary>
    public ReadOnlySpan<float> Output => HasForwardOrThrow(LayerOutputs[^1], SequenceLength * BatchSize * Owner.Options.OutputSize);

    /// <summary>(L·D, B, Hout) the final hidden state of every layer and direction (index l·D + d).</summary>
    public ReadOnlySpan<float> FinalHidden => HasForwardOrThrow(FinalHiddenBuffer, Owner.StateCount * BatchSize * Owner.Options.OutputHiddenSize);

    /// <summary>(L·D, B, H) the final cell state (LSTM); empty for other cells.</summary>
    public ReadOnlySpan<float> FinalCell => Owner.Options.HasCellState
        ? HasForwardOrThrow(FinalCellBuffer, Owner.StateCount * BatchSize * Owner.Options.HiddenSize)
        : [];

    /// <summary>
    /// Whether <see cref="RecurrentLayer.Backward"/> computes dL/dx, the gradient with respect to the layer's input (default
    /// true). Set it to false when the input is data that needs no gradient (the first layer of a model reading features):
    /// backward then skips the dG·W_ih product over all T·B rows, about a quarter of its work; the parameter gradients
    /// are bit-identical either way.
    /// </summary>
    /// <remarks>After a backward pass without it, <see cref="InputGradient"/> throws rather than return stale values.</remarks>
    public bool ComputeInputGradient { get; set; } = true;

    /// <summary>Whether the last backward pass wrote <see cref="InputGradientBuffer"/> (<see cref="ComputeInputGradient"/> at its time).</summary>
    internal bool HasInputGradient { get; set; }

    /// <summary>(T, B, I) dL/dx from the last backward pass (zero at padded steps).</summary>
    /// <exception cref="InvalidOperationException">No backward pass yet, or the last one ran with <see cref="ComputeInputGradient"/> false.</exception>
    public ReadOnlySpan<float> InputGradient => HasInputGradient || !HasBackward
        ? HasBackwardOrThrow(InputGradientBuffer, SequenceLength * BatchSize * Owner.Options.InputSize)
        : throw new InvalidOperationException("The last backward pass skipped the input gradient (ComputeInputGradient was false); set it to true before Backward to get dL/dx.");

    /// <summary>(L·D, B, Hout) dL/dh0 from the last backward pass.</summary>
    public ReadOnlySpan<float> InitialHiddenGradient =>
        HasBackwardOrThrow(InitialHiddenGradientBuffer, Owner.StateCount * BatchSize * Owner.Options.OutputHiddenSize);

    /// <summary>(L·D, B, H) dL/dc0 from the last backward pass (LSTM); empty for other cells.</summary>
    public ReadOnlySpan<float> InitialCellGradient => Owner.Options.HasCellState
        ? HasBackwardOrThrow(InitialCellGradientBuffer, Owner.StateCount * BatchSize * Owner.Options.HiddenSize)
        : [];

    private ReadOnlySpan<float> HasForwardOrThrow(float[] buffer, int length)
    {
        if (!HasForward)
        {
            throw new InvalidOperationException("The workspace holds no forward pass yet; call RecurrentLayer.Forward first.");
        }

        return buffer.AsSpan(0, length);
    }

    private ReadOnlySpan<float> HasBackwardOrThrow(float[] buffer, int length)
    {
        if (!HasBackward)
        {
            throw new InvalidOperationException("The workspace holds no backward pass for its last forward; call RecurrentLayer.Backward first.");
        }

        return buffer.AsSpan(0, length);
    }
}
