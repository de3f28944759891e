namespace FastLstm.Benchmarks.Compare;

/// <summary>
/// One implementation of one case, ready to run: FastLstm or a peer, built from the same <see cref="CaseData"/>.
/// </summary>
/// <remarks>
/// The first <see cref="Run"/> after construction starts from the case's initial weights and state, so
/// <see cref="Result"/> after it is comparable across implementations; later calls go on from there (a streaming
/// state carries over, a training step keeps training), which is what a real caller does.
/// </remarks>
public interface IWorkload : IDisposable
{
    /// <summary>The implementation, as written to compare.json: fastlstm, onnxruntime or libtorch.</summary>
    string Implementation { get; }

    /// <summary>Threads the implementation actually uses (FastLstm has no threading option yet: 1).</summary>
    int ThreadsUsed { get; }

    /// <summary>One call: the unit that is timed.</summary>
    void Run();

    /// <summary>
    /// What the correctness check compares, read after <see cref="Run"/> (allocates; never timed):
    /// a sequence, y (T, B, H) then h_n (B, H) then c_n (B, H) for an LSTM; a streaming step, h then c;
    /// a training step, the loss, then every gradient, then every parameter after the update, parameters in
    /// PyTorch's order (the LSTM's, then the head's weight and bias).
    /// </summary>
    float[] Result();
}
