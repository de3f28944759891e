using BenchmarkDotNet.Attributes;

namespace FastLstm.Benchmarks.Kernels;

/// <summary>
/// A whole LSTM layer (I = H, T = 100) at the speed issue's latency shapes: forward at batch 1, forward and
/// backward at batch 32, and one streaming step at batch 1. Baseline job: the same engine on its scalar paths
/// (<see cref="ScalarBaselineConfig"/>). The throughput shapes are in <see cref="LstmThroughputBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ScalarBaselineConfig))]
public class LstmLayerKernelBenchmarks
{
    private const int Steps = 100;

    private RecurrentLayer _layer = null!;
    private RecurrentWorkspace _workspace = null!;
    private RecurrentState _state = null!;
    private float[] _input = [];
    private float[] _outputGradient = [];
    private float[] _stepOutput = [];

    /// <summary>B×H.</summary>
    [Params("1x128", "1x512", "32x128")]
    public string Shape { get; set; } = "1x128";

    private int Batch => int.Parse(Shape.Split('x')[0], System.Globalization.CultureInfo.InvariantCulture);

    private int Hidden => int.Parse(Shape.Split('x')[1], System.Globalization.CultureInfo.InvariantCulture);

    [GlobalSetup]
    public void Setup()
    {
        (_layer, _workspace, _input, _outputGradient) = LayerSetup.Create(Batch, Steps, Hidden);
        _state = _layer.CreateState(Batch);
        _stepOutput = new float[Batch * Hidden];
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

    /// <summary>One streaming step (the first time step's input).</summary>
    [Benchmark]
    public float Step()
    {
        _layer.Step(_state, _input.AsSpan(0, Batch * Hidden), _stepOutput);
        return _stepOutput[0];
    }
}
