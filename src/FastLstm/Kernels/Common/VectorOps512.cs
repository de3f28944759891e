using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FastLstm.Kernels;

/// <summary><see cref="IVectorOps{TVec}"/> over Vector512&lt;float&gt;.</summary>
internal readonly unsafe struct VectorOps512 : IVectorOps<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;

    public static bool IsAccelerated => Vector512.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(float* source) => Vector512.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, float* target) => value.Store(target);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> left, Vector512<float> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Subtract(Vector512<float> left, Vector512<float> right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> left, Vector512<float> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Divide(Vector512<float> left, Vector512<float> right) => left / right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> left, Vector512<float> right, Vector512<float> addend) =>
        Vector512.FusedMultiplyAdd(left, right, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Min(Vector512<float> left, Vector512<float> right) => Vector512.MinNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Max(Vector512<float> left, Vector512<float> right) => Vector512.MaxNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Round(Vector512<float> value) => Vector512.Round(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Pow2FromShifted(Vector512<float> shifted) =>
        Vector512.ShiftLeft(shifted.AsInt32() + Vector512.Create(127), 23).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Abs(Vector512<float> value) => Vector512.AndNot(value, Vector512.Create(-0f));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SignBit(Vector512<float> value) => value & Vector512.Create(-0f);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Or(Vector512<float> left, Vector512<float> right) => left | right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LessThan(Vector512<float> left, Vector512<float> right) => Vector512.LessThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> IsOrdered(Vector512<float> value) => Vector512.Equals(value, value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Select(Vector512<float> mask, Vector512<float> whenTrue, Vector512<float> whenFalse) =>
        Vector512.ConditionalSelect(mask, whenTrue, whenFalse);
}
