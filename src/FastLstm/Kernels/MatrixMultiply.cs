using System.Diagnostics;
using System.Numerics.Tensors;

namespace FastLstm.Kernels;

/// <summary>
/// The one place for matrix products. Row-major matrices with explicit leading dimensions (row strides),
/// so callers can address a column block of a wider matrix (a gate block, one direction's slice) without
/// copying. Every product accumulates (C += ...); zeroing is the caller's explicit step.
/// </summary>
/// <remarks>
/// Shapes use the engine's legend: M rows of the left operand, N columns of the result, K the shared
/// dimension. The loops are written so that the innermost operation runs over contiguous memory and is
/// vectorized by TensorPrimitives (Vector512/256/128 with a scalar tail). The summation order is fixed,
/// so results are bit-identical from run to run. The speed issue replaces the bodies with packed,
/// register-blocked micro-kernels behind the same signatures.
/// </remarks>
internal static class MatrixMultiply
{
    /// <summary>C (M×N) += A (M×K) · Bᵀ, where B is stored N×K: the x·Wᵀ form of every gate projection.</summary>
    public static void AddProductTransposedB(
        int m, int n, int k,
        ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc)
    {
        AssertShape(m, k, a, lda);
        AssertShape(n, k, b, ldb);
        AssertShape(m, n, c, ldc);
        if (k == 0)
        {
            return;
        }

        for (int row = 0; row < m; row++)
        {
            ReadOnlySpan<float> aRow = a.Slice(row * lda, k);
            Span<float> cRow = c.Slice(row * ldc, n);
            for (int col = 0; col < n; col++)
            {
                cRow[col] += TensorPrimitives.Dot(aRow, b.Slice(col * ldb, k));
            }
        }
    }

    /// <summary>C (M×N) += A (M×K) · B (K×N): the dG·W form that carries gradients back to inputs and states.</summary>
    public static void AddProduct(
        int m, int n, int k,
        ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc)
    {
        AssertShape(m, k, a, lda);
        AssertShape(k, n, b, ldb);
        AssertShape(m, n, c, ldc);
        if (n == 0)
        {
            return;
        }

        for (int row = 0; row < m; row++)
        {
            Span<float> cRow = c.Slice(row * ldc, n);
            ReadOnlySpan<float> aRow = a.Slice(row * lda, k);
            for (int inner = 0; inner < k; inner++)
            {
                float scale = aRow[inner];
                if (scale != 0f)
                {
                    // Skipping exact zeros is safe (0·finite adds nothing) and common: masked rows of dG are zero.
                    TensorPrimitives.MultiplyAdd(b.Slice(inner * ldb, n), scale, cRow, cRow);
                }
            }
        }
    }

    /// <summary>
    /// C (M×N) += Aᵀ · B, where A is stored K×M and B is K×N: the weight-gradient form dW += dGᵀ·X,
    /// summed over all K = T·B rows at once.
    /// </summary>
    public static void AddProductTransposedA(
        int m, int n, int k,
        ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc)
    {
        AssertShape(k, m, a, lda);
        AssertShape(k, n, b, ldb);
        AssertShape(m, n, c, ldc);
        if (n == 0)
        {
            return;
        }

        for (int inner = 0; inner < k; inner++)
        {
            ReadOnlySpan<float> aRow = a.Slice(inner * lda, m);
            ReadOnlySpan<float> bRow = b.Slice(inner * ldb, n);
            for (int row = 0; row < m; row++)
            {
                float scale = aRow[row];
                if (scale != 0f)
                {
                    Span<float> cRow = c.Slice(row * ldc, n);
                    TensorPrimitives.MultiplyAdd(bRow, scale, cRow, cRow);
                }
            }
        }
    }

    /// <summary>Adds <paramref name="vector"/> (N) to each of the M rows of C.</summary>
    public static void AddToRows(int m, int n, ReadOnlySpan<float> vector, Span<float> c, int ldc)
    {
        AssertShape(m, n, c, ldc);
        for (int row = 0; row < m; row++)
        {
            Span<float> cRow = c.Slice(row * ldc, n);
            TensorPrimitives.Add(cRow, vector.Slice(0, n), cRow);
        }
    }

    /// <summary>sum (N) += Σ over the M rows of A: the bias gradient.</summary>
    public static void AddRowSums(int m, int n, ReadOnlySpan<float> a, int lda, Span<float> sum)
    {
        AssertShape(m, n, a, lda);
        Span<float> target = sum.Slice(0, n);
        for (int row = 0; row < m; row++)
        {
            TensorPrimitives.Add(target, a.Slice(row * lda, n), target);
        }
    }

    [Conditional("DEBUG")]
    private static void AssertShape(int rows, int cols, ReadOnlySpan<float> matrix, int ld)
    {
        Debug.Assert(rows >= 0 && cols >= 0 && ld >= cols, "bad matrix shape");
        Debug.Assert(rows == 0 || matrix.Length >= ((rows - 1) * ld) + cols, "matrix span too short");
    }
}
