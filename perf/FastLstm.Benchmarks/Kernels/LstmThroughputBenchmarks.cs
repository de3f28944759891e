using BenchmarkDotNet.Attributes;

namespace FastLstm.Benchmarks.Kernels;

/// <summary>
/// A whole LSTM layer (I = H, T = 100) at the throughput shapes, batch 32 and 64 with H = 128 and 512: forward, and
/// forward + backward. GEMM work per forward: 2·T·B·4H·(I + H) flops. Too slow for a scalar baseline job; the
/// GEMM kernels' own baselines are in <see cref="MatrixMultiplyBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
public class LstmThroughputBenchmarks
{
    private const int Steps = 100;

    private RecurrentLayer _layer = null!;
    private RecurrentWorkspace _workspace = null!;
    private float[] _input = [];
    private float[] _outputGradient = [];

    [Params(32, 64)]
    public int Batch { get; set; }

    [Params(128, 512)]
    public int Hidden { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_layer, _workspace, _input, _outputGradient) = LayerSetup.Create(Batch, Steps, Hidden);
        _layer.Forward(_workspace, _input, Steps, Batch, training: true);
    }

    [Benchmark]
    public float Forward()
    {
        _layer.Forward(_workspace, _input, Steps, Batch);
        return _workspace.Output[0];
    }

    [Benchmark]
    public float ForwardBackward()
    {
        _layer.Parameters.ZeroGradients();
        _layer.Forward(_workspace, _input, Steps, Batch, training: true);
        _layer.Backward(_workspace, _outputGradient);
        return _layer.Parameters.Gradients[0];
    }
}
