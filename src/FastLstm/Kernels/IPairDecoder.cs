using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FastLstm.Kernels;

/// <summary>
/// Decodes the lanes of a 16-bit <see cref="ReducedMatrix"/> (two weights per uint32: the upper half from panel 2p, the
/// lower half from panel 2p + 1) into float32 vectors, at every vector width, for kernels specialized per format by the
/// JIT (a struct type argument: no call, the ops inline). Decoding is exact: <see cref="High(uint)"/> and
/// <see cref="Low(uint)"/> are the scalar definitions the vector forms must match lane for lane.
/// </summary>
/// <remarks>A decoder may return the weight divided by <see cref="InputScale"/> and expect every activation to be scaled
/// by <see cref="InputScale"/> before it is multiplied (exact powers of two, so each product x·w, and with it each fused
/// multiply-add, is unchanged); the caller checks that the scaled activations stay finite.</remarks>
internal interface IPairDecoder
{
    /// <summary>2ᵉ such that the decoded weight is w·2⁻ᵉ and x must be multiplied by 2ᵉ (1: the true weight).</summary>
    static abstract float InputScale { get; }

    static abstract float High(uint lane);

    static abstract float Low(uint lane);

    static abstract Vector512<float> High(Vector512<uint> lanes);

    static abstract Vector512<float> Low(Vector512<uint> lanes);

    static abstract Vector256<float> High(Vector256<uint> lanes);

    static abstract Vector256<float> Low(Vector256<uint> lanes);

    static abstract Vector128<float> High(Vector128<uint> lanes);

    static abstract Vector128<float> Low(Vector128<uint> lanes);
}

/// <summary>bfloat16: the upper half is a float32 once the lower half is masked off, the lower half once shifted up (1 op each).</summary>
internal readonly struct BFloat16Pairs : IPairDecoder
{
    private const uint HighMask = 0xFFFF0000;

    public static float InputScale => 1f;

    public static float High(uint lane) => BitConverter.UInt32BitsToSingle(lane & HighMask);

    public static float Low(uint lane) => BitConverter.UInt32BitsToSingle(lane << 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> High(Vector512<uint> lanes) => (lanes & Vector512.Create(HighMask)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Low(Vector512<uint> lanes) => Vector512.ShiftLeft(lanes, 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> High(Vector256<uint> lanes) => (lanes & Vector256.Create(HighMask)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Low(Vector256<uint> lanes) => Vector256.ShiftLeft(lanes, 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> High(Vector128<uint> lanes) => (lanes & Vector128.Create(HighMask)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Low(Vector128<uint> lanes) => Vector128.ShiftLeft(lanes, 16).AsSingle();
}

/// <summary>
/// float16, read with float32's exponent bias (<see cref="ReducedEncoding.HalfToBiased"/>): the weight × 2⁻¹¹², so
/// activations are scaled by 2¹¹². Upper half: arithmetic shift right by 3 puts sign-extended exponent and fraction in
/// place (the lower half's bits fall into bits 12 … 0), and the mask 0x8FFFE000 clears the sign copies in bits 30 … 28
/// and those low bits: 2 ops. Lower half: shift it up by 16 first: 3 ops.
/// </summary>
internal readonly struct Float16Pairs : IPairDecoder
{
    private const uint Mask = 0x8FFFE000;

    public static float InputScale => ReducedEncoding.Two112;

    public static float High(uint lane) => BitConverter.UInt32BitsToSingle((uint)((int)lane >> 3) & Mask);

    public static float Low(uint lane) => BitConverter.UInt32BitsToSingle((uint)((int)(lane << 16) >> 3) & Mask);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> High(Vector512<uint> lanes) =>
        (Vector512.ShiftRightArithmetic(lanes.AsInt32(), 3).AsUInt32() & Vector512.Create(Mask)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Low(Vector512<uint> lanes) => High(Vector512.ShiftLeft(lanes, 16));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> High(Vector256<uint> lanes) =>
        (Vector256.ShiftRightArithmetic(lanes.AsInt32(), 3).AsUInt32() & Vector256.Create(Mask)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Low(Vector256<uint> lanes) => High(Vector256.ShiftLeft(lanes, 16));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> High(Vector128<uint> lanes) =>
        (Vector128.ShiftRightArithmetic(lanes.AsInt32(), 3).AsUInt32() & Vector128.Create(Mask)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Low(Vector128<uint> lanes) => High(Vector128.ShiftLeft(lanes, 16));
}

/// <summary>
/// float16 for activations too large to scale by 2¹¹² (|x| ≥ 2¹⁵, ∞, NaN): the biased decode of <see cref="Float16Pairs"/>
/// times 2¹¹² (exact), one multiply more per vector. The products, and so the results, equal the fast decoder's.
/// </summary>
internal readonly struct Float16PairsUnscaled : IPairDecoder
{
    public static float InputScale => 1f;

    public static float High(uint lane) => Float16Pairs.High(lane) * ReducedEncoding.Two112;

    public static float Low(uint lane) => Float16Pairs.Low(lane) * ReducedEncoding.Two112;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> High(Vector512<uint> lanes) => Float16Pairs.High(lanes) * ReducedEncoding.Two112;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Low(Vector512<uint> lanes) => Float16Pairs.Low(lanes) * ReducedEncoding.Two112;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> High(Vector256<uint> lanes) => Float16Pairs.High(lanes) * ReducedEncoding.Two112;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Low(Vector256<uint> lanes) => Float16Pairs.Low(lanes) * ReducedEncoding.Two112;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> High(Vector128<uint> lanes) => Float16Pairs.High(lanes) * ReducedEncoding.Two112;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Low(Vector128<uint> lanes) => Float16Pairs.Low(lanes) * ReducedEncoding.Two112;
}
