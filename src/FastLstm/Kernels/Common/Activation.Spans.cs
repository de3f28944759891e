using System.Diagnostics;
using System.Runtime.Intrinsics;

namespace FastLstm.Kernels;

internal static unsafe partial class Activation
{
    /// <summary>y = σ(x) over spans (in place allowed), vector blocks no wider than <paramref name="widest"/>, scalar tail.</summary>
    internal static void Sigmoid(ReadOnlySpan<float> x, Span<float> y, Isa widest = Isa.Vector512) => Apply<SigmoidFunction>(x, y, widest);

    /// <summary>y = tanh(x) over spans (in place allowed), vector blocks no wider than <paramref name="widest"/>, scalar tail.</summary>
    internal static void Tanh(ReadOnlySpan<float> x, Span<float> y, Isa widest = Isa.Vector512) => Apply<TanhFunction>(x, y, widest);

    private static void Apply<TFunction>(ReadOnlySpan<float> x, Span<float> y, Isa widest)
        where TFunction : struct, IFunction
    {
        Debug.Assert(y.Length >= x.Length, "y too short");
        int n = x.Length;
        fixed (float* px = x, py = y)
        {
            int i = 0;
            if (widest >= Isa.Vector512 && Vector512.IsHardwareAccelerated)
            {
                for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
                {
                    VectorOps512.Store(TFunction.Apply<VectorOps512, Vector512<float>>(VectorOps512.Load(px + i)), py + i);
                }
            }

            if (widest >= Isa.Vector256 && Vector256.IsHardwareAccelerated)
            {
                for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                {
                    VectorOps256.Store(TFunction.Apply<VectorOps256, Vector256<float>>(VectorOps256.Load(px + i)), py + i);
                }
            }

            if (widest >= Isa.Vector128 && Vector128.IsHardwareAccelerated)
            {
                for (; i <= n - Vector128<float>.Count; i += Vector128<float>.Count)
                {
                    VectorOps128.Store(TFunction.Apply<VectorOps128, Vector128<float>>(VectorOps128.Load(px + i)), py + i);
                }
            }

            for (; i < n; i++)
            {
                py[i] = TFunction.Apply(px[i]);
            }
        }
    }

    /// <summary>An activation as a type, so a driver loop is specialized (and inlined) per function.</summary>
    internal interface IFunction
    {
        static abstract TVec Apply<TOps, TVec>(TVec x)
            where TOps : struct, IVectorOps<TVec>
            where TVec : struct;

        static abstract float Apply(float x);
    }

    internal readonly struct SigmoidFunction : IFunction
    {
        public static TVec Apply<TOps, TVec>(TVec x)
            where TOps : struct, IVectorOps<TVec>
            where TVec : struct => Sigmoid<TOps, TVec>(x);

        public static float Apply(float x) => Sigmoid(x);
    }

    internal readonly struct TanhFunction : IFunction
    {
        public static TVec Apply<TOps, TVec>(TVec x)
            where TOps : struct, IVectorOps<TVec>
            where TVec : struct => Tanh<TOps, TVec>(x);

        public static float Apply(float x) => Tanh(x);
    }
}
