using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FastLstm.Benchmarks.Compare;

/// <summary>
/// Measures the machine's FP32 FMA peak: independent chains of fused multiply-adds on full vectors, so the FMA
/// pipes, not latency, are the limit. 12 accumulators cover latency 4 × 2 pipes with room (Zen 4, Ice Lake and
/// later: 4-cycle FMA, two 256-bit pipes; Zen 4 splits a 512-bit FMA over both). Each FMA counts 2 FLOP per lane.
/// With several threads, each runs its own chains at once and the FLOPs are added up over the wall time.
/// </summary>
public static class FmaPeakProbe
{
    private const int Chains = 12;
    private static volatile float s_sink;

    /// <summary>The widest vector FMA this process runs accelerated: "Vector512", "Vector256" or "none".</summary>
    public static string Isa =>
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? "Vector512 (AVX-512F)"
        : Fma.IsSupported && Vector256.IsHardwareAccelerated ? "Vector256 (FMA3)"
        : "none";

    /// <summary>Best GFLOP/s over a few trials of about <paramref name="milliseconds"/> each, on <paramref name="threads"/> threads.</summary>
    public static double MeasureGflops(int threads, int milliseconds = 150)
    {
        if (!Fma.IsSupported)
        {
            return double.NaN;
        }

        bool wide = Vector512.IsHardwareAccelerated && Avx512F.IsSupported;
        int lanes = wide ? Vector512<float>.Count : Vector256<float>.Count;
        double flopsPerIteration = Chains * lanes * 2.0;

        // Calibrate the iteration count on one thread (also JIT-compiles the kernel).
        long iterations = 1 << 16;
        while (true)
        {
            var sw = Stopwatch.StartNew();
            s_sink = wide ? Kernel512(iterations) : Kernel256(iterations);
            if (sw.Elapsed.TotalMilliseconds > milliseconds / 4.0)
            {
                iterations = (long)(iterations * milliseconds / sw.Elapsed.TotalMilliseconds);
                break;
            }

            iterations *= 2;
        }

        double best = 0;
        for (int trial = 0; trial < 3; trial++)
        {
            double seconds = ParallelRun.Seconds(threads, () => s_sink = wide ? Kernel512(iterations) : Kernel256(iterations));
            best = Math.Max(best, threads * iterations * flopsPerIteration / seconds / 1e9);
        }

        return best;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Kernel512(long iterations)
    {
        // x ← x·a + b with a just under 1 keeps every lane finite and normal however long it runs.
        Vector512<float> a = Vector512.Create(0.99999994f);
        Vector512<float> b = Vector512.Create(1e-7f);
        Vector512<float> x0 = Vector512.Create(0.1f), x1 = Vector512.Create(0.2f), x2 = Vector512.Create(0.3f);
        Vector512<float> x3 = Vector512.Create(0.4f), x4 = Vector512.Create(0.5f), x5 = Vector512.Create(0.6f);
        Vector512<float> x6 = Vector512.Create(0.7f), x7 = Vector512.Create(0.8f), x8 = Vector512.Create(0.9f);
        Vector512<float> x9 = Vector512.Create(1.0f), x10 = Vector512.Create(1.1f), x11 = Vector512.Create(1.2f);
        for (long i = 0; i < iterations; i++)
        {
            x0 = Avx512F.FusedMultiplyAdd(x0, a, b);
            x1 = Avx512F.FusedMultiplyAdd(x1, a, b);
            x2 = Avx512F.FusedMultiplyAdd(x2, a, b);
            x3 = Avx512F.FusedMultiplyAdd(x3, a, b);
            x4 = Avx512F.FusedMultiplyAdd(x4, a, b);
            x5 = Avx512F.FusedMultiplyAdd(x5, a, b);
            x6 = Avx512F.FusedMultiplyAdd(x6, a, b);
            x7 = Avx512F.FusedMultiplyAdd(x7, a, b);
            x8 = Avx512F.FusedMultiplyAdd(x8, a, b);
            x9 = Avx512F.FusedMultiplyAdd(x9, a, b);
            x10 = Avx512F.FusedMultiplyAdd(x10, a, b);
            x11 = Avx512F.FusedMultiplyAdd(x11, a, b);
        }

        return Vector512.Sum(x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Kernel256(long iterations)
    {
        Vector256<float> a = Vector256.Create(0.99999994f);
        Vector256<float> b = Vector256.Create(1e-7f);
        Vector256<float> x0 = Vector256.Create(0.1f), x1 = Vector256.Create(0.2f), x2 = Vector256.Create(0.3f);
        Vector256<float> x3 = Vector256.Create(0.4f), x4 = Vector256.Create(0.5f), x5 = Vector256.Create(0.6f);
        Vector256<float> x6 = Vector256.Create(0.7f), x7 = Vector256.Create(0.8f), x8 = Vector256.Create(0.9f);
        Vector256<float> x9 = Vector256.Create(1.0f), x10 = Vector256.Create(1.1f), x11 = Vector256.Create(1.2f);
        for (long i = 0; i < iterations; i++)
        {
            x0 = Fma.MultiplyAdd(x0, a, b);
            x1 = Fma.MultiplyAdd(x1, a, b);
            x2 = Fma.MultiplyAdd(x2, a, b);
            x3 = Fma.MultiplyAdd(x3, a, b);
            x4 = Fma.MultiplyAdd(x4, a, b);
            x5 = Fma.MultiplyAdd(x5, a, b);
            x6 = Fma.MultiplyAdd(x6, a, b);
            x7 = Fma.MultiplyAdd(x7, a, b);
            x8 = Fma.MultiplyAdd(x8, a, b);
            x9 = Fma.MultiplyAdd(x9, a, b);
            x10 = Fma.MultiplyAdd(x10, a, b);
            x11 = Fma.MultiplyAdd(x11, a, b);
        }

        return Vector256.Sum(x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11);
    }
}
