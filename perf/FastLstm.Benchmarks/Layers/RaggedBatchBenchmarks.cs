using BenchmarkDotNet.Attributes;

namespace FastLstm.Benchmarks.Layers;

/// <summary>
/// A batch whose sequences have different lengths against one of equal lengths, same T and B: the claim is
/// "no slowdown" (padded rows carry their state instead of taking another code path).
/// </summary>
[MemoryDiagnoser]
public class RaggedBatchBenchmarks
{
    private const int Steps = 100;
    private const int Batch = 16;
    private const int Hidden = 128;

    private RecurrentLayer _layer = null!;
    private RecurrentWorkspace _workspace = null!;
    private float[] _input = [];
    private float[] _outputGradient = [];
    private int[] _equal = [];
    private int[] _ragged = [];

    [GlobalSetup]
    public void Setup()
    {
        _layer = new RecurrentLayer(new RecurrentOptions { Cell = CellKind.Lstm, InputSize = Hidden, HiddenSize = Hidden, Bidirectional = true }, seed: 1);
        _workspace = _layer.CreateWorkspace();
        var random = new Random(2);
        _input = new float[Steps * Batch * Hidden];
        _outputGradient = new float[Steps * Batch * 2 * Hidden];
        for (int i = 0; i < _input.Length; i++)
        {
            _input[i] = (2f * random.NextSingle()) - 1f;
        }

        for (int i = 0; i < _outputGradient.Length; i++)
        {
            _outputGradient[i] = (2f * random.NextSingle()) - 1f;
        }

        _equal = Enumerable.Repeat(Steps, Batch).ToArray();
        _ragged = Enumerable.Range(0, Batch).Select(b => Steps - (b * Steps / Batch)).ToArray();
    }

    [Benchmark(Baseline = true)]
    public float EqualLengths() => Run(_equal);

    [Benchmark]
    public float RaggedLengths() => Run(_ragged);

    private float Run(int[] lengths)
    {
        _layer.Forward(_workspace, _input, Steps, Batch, lengths);
        _layer.Parameters.ZeroGradients();
        _layer.Backward(_workspace, _outputGradient);
        return _workspace.InputGradient[0];
    }
}
