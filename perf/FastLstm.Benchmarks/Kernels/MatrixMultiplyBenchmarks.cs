using BenchmarkDotNet.Attributes;
using FastLstm.Kernels;

namespace FastLstm.Benchmarks.Kernels;

/// <summary>
/// The matrix products at the shapes the layers run (M×N×K): batch-1 recurrent steps (matrix-vector), batch 32/64
/// recurrent steps, and the input projection of all T·B rows. Baseline: the scalar reference path.
/// GFLOP/s = 2·M·N·K / time. IDs never change once results exist; data from a fixed seed.
/// </summary>
[MemoryDiagnoser]
public class MatrixMultiplyBenchmarks
{
    private float[] _a = [];
    private float[] _w = [];
    private float[] _wTransposed = [];
    private float[] _c = [];
    private PackedMatrix _packed = null!;
    private int _m;
    private int _n;
    private int _k;

    /// <summary>M×N×K: 1×4H×H (batch-1 step, H = 128, 512), B×4H×H (batch-32/64 step), T·B×4H×I (input projection).</summary>
    [Params("1x512x128", "1x2048x512", "32x512x128", "64x512x128", "32x2048x512", "64x2048x512", "3200x512x128")]
    public string Shape { get; set; } = "1x512x128";

    [GlobalSetup]
    public void Setup()
    {
        string[] parts = Shape.Split('x');
        _m = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        _n = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        _k = int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
        var random = new Random(7);
        _a = Fill(_m * _k, random);
        _w = Fill(_n * _k, random);
        _c = new float[_m * _n];
        _wTransposed = new float[_k * _n];
        for (int j = 0; j < _n; j++)
        {
            for (int q = 0; q < _k; q++)
            {
                _wTransposed[(q * _n) + j] = _w[(j * _k) + q];
            }
        }

        _packed = new PackedMatrix();
        _packed.Pack(_n, _k, _w, _k);
    }

    /// <summary>The scalar reference path (the naive triple loop in the kernels' summation order).</summary>
    [Benchmark(Baseline = true)]
    public float Scalar()
    {
        MatrixMultiply.AddProductPacked(_m, _a, _k, _packed, _c, _n, Isa.Scalar);
        return _c[0];
    }

    /// <summary>x·Wᵀ with W pre-packed, widest instruction set: the layers' forward products.</summary>
    [Benchmark]
    public float Packed()
    {
        MatrixMultiply.AddProductPacked(_m, _a, _k, _packed, _c, _n);
        return _c[0];
    }

    /// <summary>As <see cref="Packed"/> on the AVX2 + FMA micro-kernel (the Vector512 one where the machine has it).</summary>
    [Benchmark]
    public float PackedVector256()
    {
        MatrixMultiply.AddProductPacked(_m, _a, _k, _packed, _c, _n, MatrixMultiply.IsSupported(Isa.Vector256) ? Isa.Vector256 : MatrixMultiply.Best);
        return _c[0];
    }

    /// <summary>x·Wᵀ with W as stored (N×K): panels are transposed on the stack as the product goes.</summary>
    [Benchmark]
    public float TransposedB()
    {
        MatrixMultiply.AddProductTransposedB(_m, _n, _k, _a, _k, _w, _k, _c, _n);
        return _c[0];
    }

    /// <summary>x·V with V (K×N) row-major read in place: the dG·W form of backward.</summary>
    [Benchmark]
    public float RowMajor()
    {
        MatrixMultiply.AddProduct(_m, _n, _k, _a, _k, _wTransposed, _n, _c, _n);
        return _c[0];
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
