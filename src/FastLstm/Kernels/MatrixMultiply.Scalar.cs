namespace FastLstm.Kernels;

internal static unsafe partial class MatrixMultiply
{
    /// <summary>
    /// The scalar reference path and the fallback without SIMD: the triple loop, kept obviously correct, in the
    /// same summation order as the micro-kernels (per K block: C += one fused multiply-add chain from 0), so that
    /// with hardware FMA the fast paths equal it bit for bit.
    /// </summary>
    /// <remarks>B(k, j) sits at b[panelOffset(⌊j/16⌋) + k·kStride + (j mod 16)·jStride], which covers all three
    /// <see cref="Layout"/>s (packed: the group's offset and stride, 1; row-major: 16·⌊j/16⌋, ldb, 1; transposed:
    /// 16·⌊j/16⌋·ldb, 1, ldb).</remarks>
    private static void AddProductScalar(
        int m, int n, int k, float* a, nint aRow, nint aCol, float* b, nint ldb, Layout layout, float* c, nint ldc,
        int panelStart = 0, int panelEnd = int.MaxValue)
    {
        int jStart = panelStart * PanelWidth;
        int jEnd = (int)Math.Min(n, (long)panelEnd * PanelWidth);
        for (int k0 = 0; k0 < k; k0 += KBlock)
        {
            int kEnd = Math.Min(k, k0 + KBlock);
            for (int i = 0; i < m; i++)
            {
                for (int j = jStart; j < jEnd; j++)
                {
                    int panel = j / PanelWidth;
                    nint offset, kStride, jStride;
                    if (layout == Layout.Packed)
                    {
                        offset = PackedMatrix.PanelOffset(panel, n, k, out int stride);
                        (kStride, jStride) = (stride, 1);
                    }
                    else if (layout == Layout.RowMajor)
                    {
                        (offset, kStride, jStride) = ((nint)panel * PanelWidth, ldb, 1);
                    }
                    else
                    {
                        (offset, kStride, jStride) = ((nint)panel * PanelWidth * ldb, 1, ldb);
                    }

                    float* column = b + offset + ((j % PanelWidth) * jStride);
                    float sum = 0f;
                    for (int kk = k0; kk < kEnd; kk++)
                    {
                        sum = MathF.FusedMultiplyAdd(a[(i * aRow) + (kk * aCol)], column[kk * kStride], sum);
                    }

                    c[(i * ldc) + j] += sum;
                }
            }
        }
    }
}
