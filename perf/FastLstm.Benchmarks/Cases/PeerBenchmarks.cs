using BenchmarkDotNet.Attributes;
using FastLstm.Benchmarks.Compare;

namespace FastLstm.Benchmarks.Cases;

/// <summary>
/// The shape of every peer benchmark class: one case (from <see cref="CaseCatalog"/>, by its ID) at 1 and 2 threads,
/// FastLstm as the baseline and libtorch beside it. Each benchmark's setup builds FastLstm's workload first and, for a
/// peer, checks the peer's output against FastLstm's (≤ <see cref="WorkloadFactory.Tolerance"/>) before anything is
/// timed, so the race is on the same work; a mismatch fails the setup. Data comes from fixed seeds (CaseData).
/// FastLstm has no threading option yet: its Threads = 2 rows run on one thread.
/// </summary>
[MemoryDiagnoser]
public abstract class PeerBenchmarks
{
    private IWorkload? _workload;

    /// <summary>The thread setting: libtorch's set_num_threads, ONNX Runtime's IntraOpNumThreads.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>The case ID of this benchmark instance.</summary>
    protected abstract string CaseName { get; }

    /// <summary>Setup of the FastLstm benchmark.</summary>
    [GlobalSetup(Target = nameof(FastLstm))]
    public void SetupFastLstm() => Setup("fastlstm");

    /// <summary>Setup of the libtorch benchmark.</summary>
    [GlobalSetup(Target = nameof(LibTorch))]
    public void SetupLibTorch() => Setup("libtorch");

    /// <summary>Frees the workload (native sessions and tensors of the peers).</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _workload?.Dispose();
        _workload = null;
    }

    /// <summary>FastLstm: a forward pass, a streaming step or a training step, per the case.</summary>
    [Benchmark(Baseline = true)]
    public void FastLstm() => RunWorkload();

    /// <summary>libtorch (TorchSharp-cpu) doing the same.</summary>
    [Benchmark]
    public void LibTorch() => RunWorkload();

    /// <summary>One call of the workload this process benchmarks.</summary>
    protected void RunWorkload() => _workload!.Run();

    /// <summary>Builds the workload of <paramref name="impl"/> and, for a peer, checks it against FastLstm's.</summary>
    protected void Setup(string impl)
    {
        var data = new CaseData(CaseCatalog.Get(CaseName));
        using IWorkload reference = WorkloadFactory.FastLstm(data);
        reference.Run();
        if (impl == "fastlstm")
        {
            _workload = WorkloadFactory.FastLstm(data, Threads);
            return;
        }

        float[] expected = reference.Result();
        _workload = WorkloadFactory.Create(impl, data, Threads);
        _workload.Run();
        double diff = WorkloadFactory.MaxAbsDiff(expected, _workload.Result());
        if (!(diff <= WorkloadFactory.Tolerance))
        {
            throw new InvalidOperationException(
                $"{impl} differs from FastLstm on {CaseName} by {diff:G3} (> {WorkloadFactory.Tolerance:G1}); not timing a different computation.");
        }
    }
}
