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

    /// <summary>
    /// gate[j] = act(gate[j] + recurrent[j] + peephole[j]·c[j]) in place for lanes [start, end) (whole vectors), the
    /// recurrent and peephole terms only when given: one gate of a cell in a loop of its own. A loop per activation keeps
    /// few vectors live (AVX2 has 16 registers; several inlined activations in one body spill), and its blocks are
    /// independent, so the core overlaps them.
    /// </summary>
    internal static void ApplyGate<TOps, TVec, TFunction>(float* gate, float* recurrent, float* peephole, float* c, int start, int end)
        where TOps : struct, IVectorOps<TVec>
        where TVec : struct
        where TFunction : struct, IFunction
    {
        for (int j = start; j < end; j += TOps.Count)
        {
            TVec a = TOps.Load(gate + j);
            if (recurrent != null)
            {
                a = TOps.Add(a, TOps.Load(recurrent + j));
            }

            if (peephole != null)
            {
                a = TOps.MultiplyAdd(TOps.Load(peephole + j), TOps.Load(c + j), a);
            }

            TOps.Store(TFunction.Apply<TOps, TVec>(a), gate + j);
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
