using BenchmarkDotNet.Attributes;

namespace FastLstm.Benchmarks.Layers;

/// <summary>
/// A whole layer's forward pass, and forward + backward, at the speed issue's shapes (T = 100, I = H).
/// IDs never change once results exist; data comes from a fixed seed.
/// </summary>
[MemoryDiagnoser]
public class LayerBenchmarks
{
    private const int Steps = 100;

    private RecurrentLayer _layer = null!;
    private RecurrentWorkspace _workspace = null!;
    private float[] _input = [];
    private float[] _outputGradient = [];

    [Params(CellKind.Lstm, CellKind.Gru, CellKind.RnnTanh)]
    public CellKind Cell { get; set; }

    [Params(1, 32)]
    public int Batch { get; set; }

    [Params(128)]
    public int Hidden { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _layer = new RecurrentLayer(new RecurrentOptions { Cell = Cell, InputSize = Hidden, HiddenSize = Hidden }, seed: 1);
        _workspace = _layer.CreateWorkspace();
        var random = new Random(2);
        _input = new float[Steps * Batch * Hidden];
        _outputGradient = new float[Steps * Batch * Hidden];
        for (int i = 0; i < _input.Length; i++)
        {
            _input[i] = (2f * random.NextSingle()) - 1f;
            _outputGradient[i] = (2f * random.NextSingle()) - 1f;
        }
    }

    [Benchmark]
    public float Forward()
    {
        _layer.Forward(_workspace, _input, Steps, Batch);
        return _workspace.Output[^1];
    }

    [Benchmark]
    public float ForwardBackward()
    {
        _layer.Forward(_workspace, _input, Steps, Batch);
        _layer.Parameters.ZeroGradients();
        _layer.Backward(_workspace, _outputGradient);
        return _workspace.InputGradient[0];
    }
}
