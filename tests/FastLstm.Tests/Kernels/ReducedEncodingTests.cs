using System.Runtime.Intrinsics;
using FastLstm.Kernels;
using Xunit;

namespace FastLstm.Tests.Kernels;

/// <summary>
/// The reduced weight formats: rounding against independent references (bfloat16 by nearest-even on the value,
/// float16 by the <see cref="Half"/> conversion), exact decoding of every one of the 65536 half bit patterns by the
/// scalar and every vector decoder, and the int8 scales.
/// </summary>
public sealed class ReducedEncodingTests
{
    private const int Seed = 20250302;

    [Fact]
    public void Two112_IsExactlyThePowerOfTwo() => Assert.Equal(ReducedEncoding.Two112, MathF.ScaleB(1f, 112));

    [Fact]
    public void ToBFloat16_RandomAndEdgeValues_RoundToNearestEven()
    {
        var random = new Random(Seed);
        var values = new List<float> { 0f, -0f, 1f, -1f, float.Epsilon, -float.Epsilon, 1e-40f, float.PositiveInfinity, float.NegativeInfinity };
        for (int i = 0; i < 100_000; i++)
        {
            values.Add(BitConverter.Int32BitsToSingle(random.Next() | (random.Next(2) << 31)));
        }

        // Exact ties: the dropped half is 0x8000, kept half even (stays) or odd (rounds away).
        values.Add(BitConverter.UInt32BitsToSingle(0x3F808000));
        values.Add(BitConverter.UInt32BitsToSingle(0x3F818000));
        values.Add(BitConverter.UInt32BitsToSingle(0xBF818000));
        foreach (float value in values)
        {
            if (float.IsNaN(value) || Math.Abs((double)value) >= 3.3e38)
            {
                continue;   // NaN and the overflow edge have their own tests
            }

            Assert.True(ReducedEncoding.ToBFloat16(value) == ReferenceBFloat16(value), $"{value} (0x{BitConverter.SingleToUInt32Bits(value):X8}), seed {Seed}");
        }
    }

    [Fact]
    public void ToBFloat16_NaNStaysNaN_OverflowRoundsToInfinity()
    {
        Assert.True(float.IsNaN(ReducedEncoding.FromBFloat16(ReducedEncoding.ToBFloat16(float.NaN))));
        Assert.True(float.IsNaN(ReducedEncoding.FromBFloat16(ReducedEncoding.ToBFloat16(BitConverter.UInt32BitsToSingle(0x7F800001)))));
        Assert.Equal(float.PositiveInfinity, ReducedEncoding.FromBFloat16(ReducedEncoding.ToBFloat16(float.MaxValue)));
        Assert.Equal(float.NegativeInfinity, ReducedEncoding.FromBFloat16(ReducedEncoding.ToBFloat16(float.MinValue)));
    }

    [Fact]
    public void FromHalf_EveryFiniteBitPattern_EqualsHalfConversion()
    {
        for (int bits = 0; bits < 65536; bits++)
        {
            Half half = BitConverter.UInt16BitsToHalf((ushort)bits);
            if (!Half.IsFinite(half))
            {
                continue;
            }

            // Bits, not values: −0 must stay −0, and subnormals must land exactly.
            float expected = (float)half;
            Assert.True(
                BitConverter.SingleToInt32Bits(ReducedEncoding.FromHalf((ushort)bits)) == BitConverter.SingleToInt32Bits(expected),
                $"half 0x{bits:X4}: {ReducedEncoding.FromHalf((ushort)bits)}, expected {expected}");
        }
    }

    [Fact]
    public void ToHalf_RoundsLikeHalfAndSaturates()
    {
        var random = new Random(Seed);
        for (int i = 0; i < 100_000; i++)
        {
            // Magnitudes from 2⁻³⁰ (below the smallest subnormal) to 2¹⁶ (past the largest half).
            float value = MathF.ScaleB(random.NextSingle() + 0.5f, random.Next(-30, 16)) * (random.Next(2) == 0 ? 1 : -1);
            ushort expected = BitConverter.HalfToUInt16Bits((Half)value);
            if (Half.IsInfinity(BitConverter.UInt16BitsToHalf(expected)))
            {
                expected = BitConverter.HalfToUInt16Bits(value > 0 ? Half.MaxValue : Half.MinValue);
            }

            Assert.True(ReducedEncoding.ToHalf(value) == expected, $"{value}, seed {Seed}");
        }

        Assert.Equal(65504f, ReducedEncoding.FromHalf(ReducedEncoding.ToHalf(float.PositiveInfinity)));
        Assert.Equal(-65504f, ReducedEncoding.FromHalf(ReducedEncoding.ToHalf(-1e6f)));
        Assert.Equal(0x8000, ReducedEncoding.ToHalf(-0f));
        Assert.Equal(0x8000, ReducedEncoding.ToHalf(-1e-9f));   // below half the smallest subnormal: −0
    }

    [Fact]
    public void PairDecoders_EveryBitPatternInBothHalves_MatchTheScalarDefinition()
    {
        // Every 16-bit pattern in the upper half of a lane, with a varying lower neighbour, and the other way round.
        var lanes = new uint[2 * 65536];
        for (int bits = 0; bits < 65536; bits++)
        {
            uint other = (uint)((bits * 40503) & 0xFFFF);
            lanes[2 * bits] = ((uint)bits << 16) | other;
            lanes[(2 * bits) + 1] = (other << 16) | (uint)bits;
        }

        CheckDecoder<BFloat16Pairs>(lanes);
        CheckDecoder<Float16Pairs>(lanes);
        CheckDecoder<Float16PairsUnscaled>(lanes);

        // The biased float16 decode is the half's value × 2⁻¹¹² for every finite half (subnormals included).
        for (int bits = 0; bits < 65536; bits++)
        {
            if (Half.IsFinite(BitConverter.UInt16BitsToHalf((ushort)bits)))
            {
                Assert.Equal(ReducedEncoding.FromHalf((ushort)bits), Float16Pairs.High((uint)bits << 16) * ReducedEncoding.Two112);
                Assert.Equal(ReducedEncoding.FromHalf((ushort)bits), Float16PairsUnscaled.Low((uint)bits));
            }
        }
    }

    [Fact]
    public void Int8_Scales_MaxMapsTo127_ZeroRowStaysZero_ErrorWithinHalfAStep()
    {
        var random = new Random(Seed);
        const int Rows = 19, Columns = 37;
        var w = new float[Rows * Columns];
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = ((2f * random.NextSingle()) - 1f) * (1 + (i / Columns));
        }

        w.AsSpan(3 * Columns, Columns).Clear();   // an all-zero row
        var reduced = new ReducedMatrix();
        reduced.Pack(WeightPrecision.Int8, Rows, Columns, w, Columns);
        for (int row = 0; row < Rows; row++)
        {
            ReadOnlySpan<float> source = w.AsSpan(row * Columns, Columns);
            float scale = reduced.Scales[row];
            Assert.Equal(ReducedEncoding.Int8Scale(source), scale);
            for (int k = 0; k < Columns; k++)
            {
                float decoded = reduced.Weight(row, k);
                Assert.True(Math.Abs(decoded - source[k]) <= (0.5 * scale * (1 + 1e-6)), $"w[{row}, {k}] = {source[k]}, decoded {decoded}, scale {scale}");
            }

            if (row == 3)
            {
                Assert.Equal(0f, scale);
                continue;
            }

            int argMax = 0;
            for (int k = 1; k < Columns; k++)
            {
                argMax = Math.Abs(source[k]) > Math.Abs(source[argMax]) ? k : argMax;
            }

            Assert.Equal(Math.Sign(source[argMax]) * 127, Math.Round(reduced.Weight(row, argMax) / scale));
        }

        for (int row = Rows; row < reduced.Scales.Length; row++)
        {
            Assert.Equal(0f, reduced.Scales[row]);   // padding columns of the last panel
        }
    }

    private static void CheckDecoder<TDecoder>(uint[] lanes)
        where TDecoder : struct, IPairDecoder
    {
        for (int i = 0; i < lanes.Length; i += 16)
        {
            var high = new float[16];
            var low = new float[16];
            for (int j = 0; j < 16; j++)
            {
                high[j] = TDecoder.High(lanes[i + j]);
                low[j] = TDecoder.Low(lanes[i + j]);
            }

            string where = $"{typeof(TDecoder).Name} lanes {i} …";
            if (Vector512.IsHardwareAccelerated)
            {
                Vector512<uint> v = Vector512.Create(lanes.AsSpan(i, 16));
                AssertBits(high, Lanes(TDecoder.High(v)), where);
                AssertBits(low, Lanes(TDecoder.Low(v)), where);
            }

            if (Vector256.IsHardwareAccelerated)
            {
                for (int half = 0; half < 16; half += 8)
                {
                    Vector256<uint> v = Vector256.Create(lanes.AsSpan(i + half, 8));
                    AssertBits(high.AsSpan(half, 8).ToArray(), Lanes(TDecoder.High(v)), where);
                    AssertBits(low.AsSpan(half, 8).ToArray(), Lanes(TDecoder.Low(v)), where);
                }
            }

            for (int quarter = 0; quarter < 16; quarter += 4)
            {
                Vector128<uint> v = Vector128.Create(lanes.AsSpan(i + quarter, 4));
                AssertBits(high.AsSpan(quarter, 4).ToArray(), Lanes(TDecoder.High(v)), where);
                AssertBits(low.AsSpan(quarter, 4).ToArray(), Lanes(TDecoder.Low(v)), where);
            }
        }
    }

    private static void AssertBits(float[] expected, float[] actual, string where)
    {
        for (int j = 0; j < expected.Length; j++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[j]) == BitConverter.SingleToInt32Bits(actual[j]), $"{where} lane {j}: {actual[j]}, expected {expected[j]}");
        }
    }

    private static float[] Lanes(Vector512<float> v)
    {
        var lanes = new float[16];
        v.CopyTo(lanes);
        return lanes;
    }

    private static float[] Lanes(Vector256<float> v)
    {
        var lanes = new float[8];
        v.CopyTo(lanes);
        return lanes;
    }

    private static float[] Lanes(Vector128<float> v)
    {
        var lanes = new float[4];
        v.CopyTo(lanes);
        return lanes;
    }

    /// <summary>bfloat16 by definition: of the two bfloat16 values around x, the nearer in float64, ties to the even one.</summary>
    private static ushort ReferenceBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        uint down = bits & 0xFFFF0000;
        uint up = down + 0x10000;
        double below = Math.Abs((double)BitConverter.UInt32BitsToSingle(down) - value);
        double above = Math.Abs((double)BitConverter.UInt32BitsToSingle(up) - value);
        if (below < above || (below == above && ((down >> 16) & 1) == 0))
        {
            return (ushort)(down >> 16);
        }

        return (ushort)(up >> 16);
    }
}
