using FastLstm.Kernels;

namespace FastLstm;

/// <summary>
/// The end-of-unit products of <see cref="RecurrentLayer.Backward"/> split across a team by disjoint output rows:
/// each weight gradient dW += dGᵀ·X by rows of dW (runs of 8), the bias gradients by 16-column blocks, and
/// dx += dG·W_ih by rows of dx (runs of 8). Every output element is computed by the same kernel calls in the same
/// K order as on one thread, so the results are bit-identical to it.
/// </summary>
/// <remarks>Reused by one workspace: <see cref="Clear"/>, then the <c>Add…</c> calls, then <see cref="WorkerTeam.Run"/>
/// while the spans behind the pointers stay pinned.</remarks>
internal sealed unsafe class WeightGradientJob : ITeamJob
{
    /// <summary>Most dW += Aᵀ·B products of one unit: dW_ih, dW_hh (two for the original GRU), dW_hr.</summary>
    private const int MaxProducts = 4;

    /// <summary>Most row sums of one unit: the two bias gradients.</summary>
    private const int MaxSums = 2;

    private readonly TransposedProduct[] _products = new TransposedProduct[MaxProducts];
    private readonly RowSum[] _sums = new RowSum[MaxSums];
    private int _productCount;
    private int _sumCount;
    private PackedMatrix? _inputWeights;
    private float* _gateGradients;
    private int _gateStride;
    private float* _inputGradient;
    private int _inputWidth;
    private int _rows;

    public void Clear()
    {
        _productCount = 0;
        _sumCount = 0;
        _inputWeights = null;
        _rows = 0;
    }

    /// <summary>C (M×N) += Aᵀ·B with A (K×M, lda) and B (K×N, ldb).</summary>
    public void AddTransposedA(int m, int n, int k, float* a, int lda, float* b, int ldb, float* c, int ldc)
    {
        _products[_productCount++] = new TransposedProduct(m, n, k, a, lda, b, ldb, c, ldc);
    }

    /// <summary>sum (N) += Σ over the M rows of A (lda).</summary>
    public void AddRowSums(int m, int n, float* a, int lda, float* sum)
    {
        _sums[_sumCount++] = new RowSum(m, n, a, lda, sum);
    }

    /// <summary>dx (M, I) += dG (M, G·H) · W_ih, W_ih packed transposed.</summary>
    public void SetInputGradient(int rows, float* gateGradients, int gateStride, PackedMatrix inputWeights, float* inputGradient, int inputWidth)
    {
        _rows = rows;
        _gateGradients = gateGradients;
        _gateStride = gateStride;
        _inputWeights = inputWeights;
        _inputGradient = inputGradient;
        _inputWidth = inputWidth;
    }

    public void Execute(int part, int parts)
    {
        for (int i = 0; i < _productCount; i++)
        {
            ref readonly TransposedProduct p = ref _products[i];
            (int start, int end) = ParallelSplit.Range(p.M, part, parts, 8);
            if (start == end)
            {
                continue;
            }

            // Rows [start, end) of C are columns [start, end) of A.
            int m = end - start;
            var a = new ReadOnlySpan<float>(p.A + start, ((p.K - 1) * p.Lda) + m);
            var b = new ReadOnlySpan<float>(p.B, ((p.K - 1) * p.Ldb) + p.N);
            var c = new Span<float>(p.C + ((long)start * p.Ldc), ((m - 1) * p.Ldc) + p.N);
            MatrixMultiply.AddProductTransposedA(m, p.N, p.K, a, p.Lda, b, p.Ldb, c, p.Ldc);
        }

        for (int i = 0; i < _sumCount; i++)
        {
            ref readonly RowSum s = ref _sums[i];
            (int start, int end) = ParallelSplit.Range(s.N, part, parts, MatrixMultiply.PanelWidth);
            if (start == end)
            {
                continue;
            }

            int n = end - start;
            var a = new ReadOnlySpan<float>(s.A + start, ((s.M - 1) * s.Lda) + n);
            MatrixMultiply.AddRowSums(s.M, n, a, s.Lda, new Span<float>(s.Sum + start, n));
        }

        if (_inputWeights is not null)
        {
            (int start, int end) = ParallelSplit.Range(_rows, part, parts, 8);
            if (start != end)
            {
                int m = end - start;
                int gatesHidden = _inputWeights.Columns;
                var a = new ReadOnlySpan<float>(_gateGradients + ((long)start * _gateStride), ((m - 1) * _gateStride) + gatesHidden);
                var c = new Span<float>(_inputGradient + ((long)start * _inputWidth), m * _inputWidth);
                MatrixMultiply.AddProductPacked(m, a, _gateStride, _inputWeights, c, _inputWidth);
            }
        }
    }

    private readonly struct TransposedProduct(int m, int n, int k, float* a, int lda, float* b, int ldb, float* c, int ldc)
    {
        public readonly int M = m;
        public readonly int N = n;
        public readonly int K = k;
        public readonly float* A = a;
        public readonly int Lda = lda;
        public readonly float* B = b;
        public readonly int Ldb = ldb;
        public readonly float* C = c;
        public readonly int Ldc = ldc;
    }

    private readonly struct RowSum(int m, int n, float* a, int lda, float* sum)
    {
        public readonly int M = m;
        public readonly int N = n;
        public readonly float* A = a;
        public readonly int Lda = lda;
        public readonly float* Sum = sum;
    }
}
