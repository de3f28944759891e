namespace FastLstm.Kernels;

/// <summary>
/// The lane-wise float operations the elementwise kernels (activations, cells) need, over one vector type:
/// <see cref="VectorOps512"/>, <see cref="VectorOps256"/>, <see cref="VectorOps128"/>. A kernel written once as a
/// generic method over <c>TOps : IVectorOps&lt;TVec&gt;</c> is compiled by the JIT into one body per width with every
/// call inlined, which keeps the Vector512 → 256 → 128 dispatch to a single source per kernel.
/// </summary>
/// <remarks>Every operation is exact IEEE per lane (no estimates; the fused multiply-add rounds once, as
/// <see cref="MathF.FusedMultiplyAdd"/> does), so a vector lane and the scalar code that mirrors it produce the same
/// bits: a kernel's scalar tail agrees with its vector body.</remarks>
internal unsafe interface IVectorOps<TVec>
    where TVec : struct
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }

    /// <summary>Whether this width runs on the hardware.</summary>
    static abstract bool IsAccelerated { get; }

    static abstract TVec Load(float* source);

    static abstract void Store(TVec value, float* target);

    static abstract TVec Broadcast(float value);

    static abstract TVec Add(TVec left, TVec right);

    static abstract TVec Subtract(TVec left, TVec right);

    static abstract TVec Multiply(TVec left, TVec right);

    static abstract TVec Divide(TVec left, TVec right);

    /// <summary>left · right + addend rounded once, lane by lane (bit-equal to <see cref="MathF.FusedMultiplyAdd"/>;
    /// a hardware instruction wherever the vector width is accelerated on x64 with FMA and on Arm64).</summary>
    static abstract TVec MultiplyAdd(TVec left, TVec right, TVec addend);

    /// <summary>Lane-wise minimum for ordered inputs (the hardware's choice for NaN; kernels restore NaN themselves).</summary>
    static abstract TVec Min(TVec left, TVec right);

    /// <summary>Lane-wise maximum for ordered inputs (as <see cref="Min"/>).</summary>
    static abstract TVec Max(TVec left, TVec right);

    /// <summary>Round to nearest, ties to even (MathF.Round).</summary>
    static abstract TVec Round(TVec value);

    /// <summary>2ⁿ from t = n + 1.5·2²³ (n integral in [−126, 127], so n sits in t's low mantissa bits):
    /// (bits(t) + 127) &lt;&lt; 23, the high bits of t shifting out.</summary>
    static abstract TVec Pow2FromShifted(TVec shifted);

    /// <summary>|x|: the sign bit cleared.</summary>
    static abstract TVec Abs(TVec value);

    /// <summary>Only the sign bit of each lane (x AND −0.0).</summary>
    static abstract TVec SignBit(TVec value);

    /// <summary>Bitwise OR: sets the sign bit of a non-negative lane.</summary>
    static abstract TVec Or(TVec left, TVec right);

    /// <summary>All-ones lanes where left &lt; right.</summary>
    static abstract TVec LessThan(TVec left, TVec right);

    /// <summary>All-ones lanes where the value is not NaN (x == x).</summary>
    static abstract TVec IsOrdered(TVec value);

    /// <summary>mask ? whenTrue : whenFalse, lane by lane.</summary>
    static abstract TVec Select(TVec mask, TVec whenTrue, TVec whenFalse);
}
