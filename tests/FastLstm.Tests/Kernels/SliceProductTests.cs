using FastLstm.Kernels;
using Xunit;

namespace FastLstm.Tests.Kernels;

/// <summary>
/// <see cref="MatrixMultiply.AddProductPackedSlices"/> (a thread's units of every gate block in one product) against the
/// plain product: the same bits in its columns, every other column untouched; whole 64-column groups (the paired
/// matrix-vector kernel, across gate blocks, over one or two K blocks) and the per-slice fallback.
/// </summary>
public sealed class SliceProductTests
{
    public static TheoryData<int, int, int, int, int, int> Shapes => new()
    {
        // rows m, slices, slice width, start, end, K
        { 1, 4, 128, 0, 64, 128 },     // H 128 on 2 threads: part 0
        { 1, 4, 128, 64, 128, 128 },   // part 1
        { 1, 4, 256, 64, 192, 300 },   // two groups a slice, two K blocks
        { 1, 3, 192, 128, 192, 70 },   // GRU-like: 3 slices, an odd number of groups in all
        { 1, 4, 512, 0, 512, 513 },    // all of it
        { 1, 4, 48, 16, 32, 40 },      // ragged: per-slice fallback
        { 1, 4, 80, 0, 48, 33 },
        { 2, 4, 128, 64, 128, 50 },    // two rows: per-slice fallback
        { 3, 3, 64, 0, 64, 257 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void SliceProduct_EqualsPlainProductInItsColumns_AndLeavesTheRestAlone(int m, int slices, int width, int start, int end, int k)
    {
        int n = slices * width;
        var random = new Random((m * 1000) + start + k);
        float[] w = Uniform(n * k, random);
        float[] a = Uniform(m * k, random);
        float[] c0 = Uniform(m * n, random);
        var packed = new PackedMatrix();
        packed.Refresh(1, n, k, w);

        float[] plain = (float[])c0.Clone();
        MatrixMultiply.AddProductPacked(m, a, k, packed, plain, n);
        float[] sliced = (float[])c0.Clone();
        MatrixMultiply.AddProductPackedSlices(m, a, k, packed, sliced, n, slices, width, start, end);

        for (int row = 0; row < m; row++)
        {
            for (int j = 0; j < n; j++)
            {
                int at = (row * n) + j;
                int inSlice = j % width;
                float expected = inSlice >= start && inSlice < end ? plain[at] : c0[at];
                Assert.True(
                    BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(sliced[at]),
                    $"m={m} slices={slices}×{width} [{start}, {end}) K={k}: C[{row}, {j}] = {sliced[at]}, expected {expected}");
            }
        }
    }

    [Theory]
    [InlineData(WeightPrecision.BFloat16, 1, 128, 64, 128)]
    [InlineData(WeightPrecision.Float16, 1, 128, 0, 64)]
    [InlineData(WeightPrecision.Int8, 1, 256, 64, 192)]
    [InlineData(WeightPrecision.Float16, 2, 48, 16, 32)]
    [InlineData(WeightPrecision.Int8, 3, 80, 0, 48)]
    public void ReducedSliceProduct_EqualsThePerPanelProductInItsColumns_AndLeavesTheRestAlone(
        WeightPrecision precision, int m, int width, int start, int end)
    {
        const int slices = 4;
        const int k = 70;
        int n = slices * width;
        var random = new Random(width + start);
        float[] w = Uniform(n * k, random);
        float[] a = Uniform(m * k, random);
        float[] c0 = Uniform(m * n, random);
        var reduced = new ReducedMatrix();
        reduced.Refresh(1, precision, n, k, w);

        float[] expected = (float[])c0.Clone();
        for (int slice = 0; slice < slices; slice++)
        {
            int first = (slice * width) + start;
            ReducedMatrixMultiply.AddProduct(m, a, k, reduced, expected, n, first / 16, ((slice * width) + end + 15) / 16);
        }

        float[] sliced = (float[])c0.Clone();
        ReducedMatrixMultiply.AddProductSlices(m, a, k, reduced, sliced, n, slices, width, start, end);
        for (int i = 0; i < expected.Length; i++)
        {
            int inSlice = (i % n) % width;
            bool inside = inSlice >= start && inSlice < end;
            Assert.True(
                BitConverter.SingleToInt32Bits(inside ? expected[i] : c0[i]) == BitConverter.SingleToInt32Bits(sliced[i]),
                $"{precision} m={m} {slices}×{width} [{start}, {end}): C[{i / n}, {i % n}] = {sliced[i]}, expected {(inside ? expected[i] : c0[i])}");
        }
    }

    private static float[] Uniform(int length, Random random)
    {
        float[] values = new float[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (2f * random.NextSingle()) - 1f;
        }

        return values;
    }
}
