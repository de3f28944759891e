using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FastLstm.Kernels;
using Xunit;

namespace FastLstm.Tests.Kernels;

/// <summary>Packed weights start on a cache line, so no Vector512 load from them straddles two lines.</summary>
public sealed class AlignedStorageTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(17, 3)]
    [InlineData(512, 128)]
    [InlineData(2048, 512)]
    public void PackedMatrix_DataStartsOnA64ByteBoundary_AlsoAfterGrowing(int rows, int columns)
    {
        var packed = new PackedMatrix();
        packed.Refresh(1, 2, 3, new float[6]);
        AssertAligned(packed.Data);

        var weights = new float[rows * columns];
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = i % 7;
        }

        packed.Refresh(2, rows, columns, weights);
        AssertAligned(packed.Data);
        Assert.Equal(weights[columns - 1], packed.Data[(columns - 1) * Math.Min(64, ((rows + 15) / 16) * 16)]);
    }

    [Theory]
    [InlineData(WeightPrecision.BFloat16)]
    [InlineData(WeightPrecision.Float16)]
    [InlineData(WeightPrecision.Int8)]
    public void ReducedMatrix_WeightsStartOnA64ByteBoundary(WeightPrecision precision)
    {
        var weights = new float[300 * 70];
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = (i % 13) - 6;
        }

        var reduced = new ReducedMatrix();
        reduced.Refresh(1, precision, 300, 70, weights);
        if (precision == WeightPrecision.Int8)
        {
            AssertAligned(reduced.Bytes);
        }
        else
        {
            AssertAligned(reduced.Pairs);
        }

        Assert.Equal(weights[(299 * 70) + 69], reduced.Weight(299, 69), 0.05f);
    }

    private static void AssertAligned<T>(ReadOnlySpan<T> data)
        where T : unmanaged
    {
        Assert.False(data.IsEmpty);
        // The address of the first element, without an unsafe context: its byte offset from a null reference.
        nint address = Unsafe.ByteOffset(ref Unsafe.NullRef<T>(), ref MemoryMarshal.GetReference(data));
        Assert.Equal(0, (long)address % 64);
    }
}
