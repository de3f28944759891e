using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FastLstm.Kernels;

/// <summary><see cref="IVectorOps{TVec}"/> over Vector128&lt;float&gt;.</summary>
internal readonly unsafe struct VectorOps128 : IVectorOps<Vector128<float>>
{
    public static int Count => Vector128<float>.Count;

    public static bool IsAccelerated => Vector128.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(float* source) => Vector128.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> value, float* target) => value.Store(target);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Broadcast(float value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> left, Vector128<float> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Subtract(Vector128<float> left, Vector128<float> right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Multiply(Vector128<float> left, Vector128<float> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Divide(Vector128<float> left, Vector128<float> right) => left / right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> left, Vector128<float> right, Vector128<float> addend) =>
        Vector128.FusedMultiplyAdd(left, right, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Min(Vector128<float> left, Vector128<float> right) => Vector128.MinNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Max(Vector128<float> left, Vector128<float> right) => Vector128.MaxNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Round(Vector128<float> value) => Vector128.Round(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Pow2FromShifted(Vector128<float> shifted) =>
        Vector128.ShiftLeft(shifted.AsInt32() + Vector128.Create(127), 23).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Abs(Vector128<float> value) => Vector128.AndNot(value, Vector128.Create(-0f));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SignBit(Vector128<float> value) => value & Vector128.Create(-0f);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Or(Vector128<float> left, Vector128<float> right) => left | right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LessThan(Vector128<float> left, Vector128<float> right) => Vector128.LessThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> IsOrdered(Vector128<float> value) => Vector128.Equals(value, value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Select(Vector128<float> mask, Vector128<float> whenTrue, Vector128<float> whenFalse) =>
        Vector128.ConditionalSelect(mask, whenTrue, whenFalse);
}
