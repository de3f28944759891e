using BenchmarkDotNet.Attributes;
using FastLstm.Kernels;

namespace FastLstm.Benchmarks.Kernels;

/// <summary>
/// The weight-gradient product dW (4H×I) += dGᵀ·X over all T·B rows (Aᵀ·B form) at the training step's shape
/// (T·B = 50·32, H = I = 128), and the input gradient dX += dG·W_ih with W_ih pre-packed transposed.
/// Baseline: the scalar reference path.
/// </summary>
[MemoryDiagnoser]
public class WeightGradientBenchmarks
{
    private const int Rows = 50 * 32;
    private const int Hidden = 128;
    private const int Gates = 4 * Hidden;

    private float[] _gateGradients = [];
    private float[] _inputs = [];
    private float[] _weightGradient = [];
    private float[] _inputGradient = [];
    private PackedMatrix _weightsTransposed = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(11);
        _gateGradients = Fill(Rows * Gates, random);
        _inputs = Fill(Rows * Hidden, random);
        _weightGradient = new float[Gates * Hidden];
        _inputGradient = new float[Rows * Hidden];
        _weightsTransposed = new PackedMatrix();
        _weightsTransposed.PackTransposed(Hidden, Gates, Fill(Gates * Hidden, random), Hidden);
    }

    [Benchmark(Baseline = true)]
    public float WeightGradientScalar()
    {
        MatrixMultiply.AddProductTransposedA(Gates, Hidden, Rows, _gateGradients, Gates, _inputs, Hidden, _weightGradient, Hidden, Isa.Scalar);
        return _weightGradient[0];
    }

    [Benchmark]
    public float WeightGradient()
    {
        MatrixMultiply.AddProductTransposedA(Gates, Hidden, Rows, _gateGradients, Gates, _inputs, Hidden, _weightGradient, Hidden);
        return _weightGradient[0];
    }

    [Benchmark]
    public float InputGradient()
    {
        MatrixMultiply.AddProductPacked(Rows, _gateGradients, Gates, _weightsTransposed, _inputGradient, Hidden);
        return _inputGradient[0];
    }

    private static float[] Fill(int length, Random random)
    {
        var values = new float[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (2f * random.NextSingle()) - 1f;
        }

        return values;
    }
}
