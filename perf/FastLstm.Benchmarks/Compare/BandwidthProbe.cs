using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FastLstm.Benchmarks.Compare;

/// <summary>
/// Measures read bandwidth for a working set of a given size, the way a batch-1 recurrent step reads its weights:
/// every thread sums its own share of the bytes over and over (so the share stays in whichever cache level it fits),
/// with eight independent vector accumulators so loads, not add latency, are the limit. Results are cached per
/// (bytes, threads). GB/s are 10⁹ bytes per second.
/// </summary>
public static class BandwidthProbe
{
    /// <summary>Bytes each thread reads per trial: about 10 ms from L1, 100 ms from DRAM.</summary>
    private const long BytesPerTrial = 1L << 31;

    private static readonly Dictionary<(long, int), double> s_cache = [];
    private static volatile float s_sink;

    /// <summary>
    /// Best read GB/s over three trials for <paramref name="bytes"/> split over <paramref name="threads"/> threads; cached,
    /// unless <paramref name="remeasure"/>, which measures again and keeps the better of the two (a busy neighbour only
    /// ever makes the machine look slower).
    /// </summary>
    public static double ReadGBps(long bytes, int threads, bool remeasure = false)
    {
        if (s_cache.TryGetValue((bytes, threads), out double cached) && !remeasure)
        {
            return cached;
        }

        // Each thread's share, rounded up to whole 64-byte lines (16 floats).
        int floatsPerThread = (int)Math.Max(16, ((bytes / threads / sizeof(float)) + 15) / 16 * 16);
        var buffers = new float[threads][];
        for (int t = 0; t < threads; t++)
        {
            buffers[t] = GC.AllocateUninitializedArray<float>(floatsPerThread, pinned: true);
            buffers[t].AsSpan().Fill(1f);
        }

        long shareBytes = (long)floatsPerThread * sizeof(float);
        int passes = (int)Math.Max(1, BytesPerTrial / shareBytes);
        foreach (float[] buffer in buffers)
        {
            s_sink = Sum(buffer, 1); // JIT and first touch
        }

        double best = 0;
        for (int trial = 0; trial < 3; trial++)
        {
            double seconds = ParallelRun.Seconds(threads, t => s_sink = Sum(buffers[t], passes));
            best = Math.Max(best, threads * shareBytes * (double)passes / seconds / 1e9);
        }

        best = Math.Max(best, cached);
        s_cache[(bytes, threads)] = best;
        return best;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Sum(float[] data, int passes)
    {
        // Eight accumulators of the widest accelerated vector. The buffer is whole 64-byte lines (16 floats), so it
        // holds whole vectors of either width; the remainder loop takes the last (fewer than eight) vectors one at a time.
        if (Vector512.IsHardwareAccelerated)
        {
            ReadOnlySpan<Vector512<float>> v = MemoryMarshal.Cast<float, Vector512<float>>(data);
            Vector512<float> total = Vector512<float>.Zero;
            for (int pass = 0; pass < passes; pass++)
            {
                Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
                int i = 0;
                for (; i <= v.Length - 8; i += 8)
                {
                    a0 += v[i];
                    a1 += v[i + 1];
                    a2 += v[i + 2];
                    a3 += v[i + 3];
                    a4 += v[i + 4];
                    a5 += v[i + 5];
                    a6 += v[i + 6];
                    a7 += v[i + 7];
                }

                for (; i < v.Length; i++)
                {
                    a0 += v[i];
                }

                total += a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
            }

            return Vector512.Sum(total);
        }
        else
        {
            ReadOnlySpan<Vector256<float>> v = MemoryMarshal.Cast<float, Vector256<float>>(data);
            Vector256<float> total = Vector256<float>.Zero;
            for (int pass = 0; pass < passes; pass++)
            {
                Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
                int i = 0;
                for (; i <= v.Length - 8; i += 8)
                {
                    a0 += v[i];
                    a1 += v[i + 1];
                    a2 += v[i + 2];
                    a3 += v[i + 3];
                    a4 += v[i + 4];
                    a5 += v[i + 5];
                    a6 += v[i + 6];
                    a7 += v[i + 7];
                }

                for (; i < v.Length; i++)
                {
                    a0 += v[i];
                }

                total += a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
            }

            return Vector256.Sum(total);
        }
    }
}
