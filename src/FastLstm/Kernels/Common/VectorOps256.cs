using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FastLstm.Kernels;

/// <summary><see cref="IVectorOps{TVec}"/> over Vector256&lt;float&gt;.</summary>
internal readonly unsafe struct VectorOps256 : IVectorOps<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;

    public static bool IsAccelerated => Vector256.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(float* source) => Vector256.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, float* target) => value.Store(target);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> left, Vector256<float> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Subtract(Vector256<float> left, Vector256<float> right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> left, Vector256<float> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Divide(Vector256<float> left, Vector256<float> right) => left / right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> left, Vector256<float> right, Vector256<float> addend) =>
        Vector256.FusedMultiplyAdd(left, right, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Min(Vector256<float> left, Vector256<float> right) => Vector256.MinNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Max(Vector256<float> left, Vector256<float> right) => Vector256.MaxNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Round(Vector256<float> value) => Vector256.Round(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Pow2FromShifted(Vector256<float> shifted) =>
        Vector256.ShiftLeft(shifted.AsInt32() + Vector256.Create(127), 23).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Abs(Vector256<float> value) => Vector256.AndNot(value, Vector256.Create(-0f));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SignBit(Vector256<float> value) => value & Vector256.Create(-0f);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Or(Vector256<float> left, Vector256<float> right) => left | right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LessThan(Vector256<float> left, Vector256<float> right) => Vector256.LessThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> IsOrdered(Vector256<float> value) => Vector256.Equals(value, value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Select(Vector256<float> mask, Vector256<float> whenTrue, Vector256<float> whenFalse) =>
        Vector256.ConditionalSelect(mask, whenTrue, whenFalse);
}
