namespace FastLstm.Kernels;

/// <summary>
/// The scalar definitions of the reduced weight formats of <see cref="WeightPrecision"/>: how one float32 weight is
/// rounded when packed and what value it decodes to. The SIMD decoders (<see cref="IPairDecoder"/>) and the int8
/// kernels must give exactly these values; the tests hold them to that.
/// </summary>
internal static class ReducedEncoding
{
    /// <summary>2¹¹²: the factor between an IEEE half and the same bits read with float32's exponent bias (see <see cref="HalfToBiased"/>).</summary>
    public const float Two112 = 5.192296858534828e33f;

    /// <summary>The largest finite half; float16 packing saturates to it instead of rounding to ∞.</summary>
    public const float HalfMax = 65504f;

    /// <summary>Quantized magnitudes of int8: symmetric, so −128 is never used and q·s stays within ±max|w|.</summary>
    public const int Int8Max = 127;

    /// <summary>bfloat16 bits of <paramref name="value"/>, rounded to nearest, ties to even; a NaN stays a (quiet) NaN.</summary>
    public static ushort ToBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x0040);
        }

        // Adding 0x7FFF plus the lowest kept bit carries into the kept half exactly when the dropped half is above
        // one half ulp, or equal to it with an odd kept half: round to nearest even, overflowing to ∞ like IEEE.
        bits += 0x7FFFu + ((bits >> 16) & 1u);
        return (ushort)(bits >> 16);
    }

    /// <summary>The float32 value of bfloat16 bits (exact: the bits are the upper half of a float32).</summary>
    public static float FromBFloat16(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary>IEEE half bits of <paramref name="value"/>: the <see cref="Half"/> conversion (nearest even) after saturating to ±65504.</summary>
    public static ushort ToHalf(float value) => BitConverter.HalfToUInt16Bits((Half)Math.Clamp(value, -HalfMax, HalfMax));

    /// <summary>
    /// Half bits read as a float32 with the same sign, exponent field and significand: the half's value × 2⁻¹¹², exactly
    /// (both formats are sign | exponent | fraction; only the bias differs, 15 against 127, and a half subnormal lands on
    /// a float32 subnormal of the same fraction, since 2⁻¹⁴⁻¹¹² = 2⁻¹²⁶). Sign-extend to 32 bits, shift left 13: the
    /// fraction and exponent land in place and copies of the sign fill bits 31 … 28; the mask keeps bit 31 of them.
    /// What the SIMD decoders do per lane. Exponent 31 (∞, NaN) is not special-cased: it reads as a finite float.
    /// </summary>
    public static float HalfToBiased(ushort bits) => BitConverter.Int32BitsToSingle((((short)bits) << 13) & unchecked((int)0x8FFFE000));

    /// <summary>The value of half bits, through <see cref="HalfToBiased"/> × 2¹¹² (exact; equals the <see cref="Half"/> conversion for finite halves).</summary>
    public static float FromHalf(ushort bits) => HalfToBiased(bits) * Two112;

    /// <summary>The int8 scale of one row of W: max|w| / 127 (0 for an all-zero row).</summary>
    public static float Int8Scale(ReadOnlySpan<float> row)
    {
        float max = 0f;
        foreach (float w in row)
        {
            max = MathF.Max(max, MathF.Abs(w));
        }

        return max / Int8Max;
    }

    /// <summary>round(w / scale) to nearest even, clamped to ±127; 0 when the scale is 0.</summary>
    public static sbyte ToInt8(float weight, float scale) =>
        scale == 0f ? (sbyte)0 : (sbyte)Math.Clamp(MathF.Round(weight / scale, MidpointRounding.ToEven), -Int8Max, Int8Max);
}
