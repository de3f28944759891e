using BenchmarkDotNet.Attributes;
using FastLstm.Cells;
using FastLstm.Kernels;

namespace FastLstm.Benchmarks.Kernels;

/// <summary>
/// The fused LSTM cell (bias already in the gates, activations, c' and h in one pass) and its backward, per step
/// for B rows of H units. Baseline: the scalar path of the same kernel.
/// </summary>
[MemoryDiagnoser]
public class LstmCellBenchmarks
{
    private float[] _preActivations = [];
    private float[] _gates = [];
    private float[] _cPrev = [];
    private float[] _cNew = [];
    private float[] _tanhC = [];
    private float[] _h = [];
    private float[] _dh = [];
    private float[] _dc = [];
    private float[] _dGates = [];

    [Params(1, 32)]
    public int Batch { get; set; }

    [Params(128, 512)]
    public int Hidden { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(5);
        _preActivations = Fill(Batch * 4 * Hidden, 3f, random);
        _gates = (float[])_preActivations.Clone();
        _cPrev = Fill(Batch * Hidden, 2f, random);
        _cNew = new float[Batch * Hidden];
        _tanhC = new float[Batch * Hidden];
        _h = new float[Batch * Hidden];
        _dh = Fill(Batch * Hidden, 1f, random);
        _dc = Fill(Batch * Hidden, 1f, random);
        _dGates = new float[Batch * 4 * Hidden];
        LstmCell.Forward(Batch, Hidden, _gates, default, _cPrev, _cNew, _tanhC, _h, default);
    }

    [Benchmark(Baseline = true)]
    public float ForwardScalar()
    {
        _preActivations.CopyTo(_gates, 0);
        LstmCell.Forward(Batch, Hidden, _gates, default, _cPrev, _cNew, _tanhC, _h, default, Isa.Scalar);
        return _h[0];
    }

    [Benchmark]
    public float Forward()
    {
        _preActivations.CopyTo(_gates, 0);
        LstmCell.Forward(Batch, Hidden, _gates, default, _cPrev, _cNew, _tanhC, _h, default);
        return _h[0];
    }

    [Benchmark]
    public float BackwardScalar() => Backward(Isa.Scalar);

    [Benchmark]
    public float Backward() => Backward(Isa.Vector512);

    private float Backward(Isa widest)
    {
        for (int b = 0; b < Batch; b++)
        {
            int g = b * 4 * Hidden;
            int c = b * Hidden;
            LstmCell.BackwardRow(
                Hidden, _gates.AsSpan(g, 4 * Hidden), _cPrev.AsSpan(c, Hidden), _cNew.AsSpan(c, Hidden), _tanhC.AsSpan(c, Hidden),
                _dh.AsSpan(c, Hidden), _dc.AsSpan(c, Hidden), _dGates.AsSpan(g, 4 * Hidden), default, default, widest);
        }

        return _dGates[0];
    }

    private static float[] Fill(int length, float bound, Random random)
    {
        var values = new float[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = ((2f * random.NextSingle()) - 1f) * bound;
        }

        return values;
    }
}
