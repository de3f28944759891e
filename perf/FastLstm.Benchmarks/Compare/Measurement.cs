using System.Diagnostics;

namespace FastLstm.Benchmarks.Compare;

/// <summary>The timing of one workload: per-call median and minimum, managed bytes allocated per call, calls made.</summary>
/// <param name="MedianMs">Median over samples of the per-call time, in milliseconds.</param>
/// <param name="MinMs">Fastest sample's per-call time, in milliseconds.</param>
/// <param name="AllocatedBytes">Managed bytes allocated per call (GC.GetTotalAllocatedBytes, all threads; native memory not seen).</param>
/// <param name="Calls">Calls timed.</param>
/// <param name="ForeignCpu">Share of all CPUs other processes used while this was timed (see <see cref="MachineLoad"/>).</param>
public sealed record Measurement(double MedianMs, double MinMs, double AllocatedBytes, long Calls, double ForeignCpu)
{
    private const int MaxSamples = 1 << 16;

    /// <summary>Sample length aimed at: long enough that Stopwatch's overhead is noise, short enough for many samples.</summary>
    private const double TargetSampleMs = 0.5;

    /// <summary>Length of one warm-up round.</summary>
    private const double WarmupRoundMs = 50;

    /// <summary>Shortest warm-up: the JIT promotes a method about 100 ms after its 30th call once JIT activity calms.</summary>
    private const double MinWarmupSeconds = 0.5;

    /// <summary>
    /// Warms <paramref name="workload"/> up, then times batches of calls for 70% of <paramref name="seconds"/>.
    /// Warm-up runs in rounds of about <see cref="WarmupRoundMs"/> for at least 30% of the budget and
    /// <see cref="MinWarmupSeconds"/>, and goes on (up to three budgets) while the latest round is over 10% slower per
    /// call than the best one: the JIT's tiering (tier 0, instrumented, tier 1) must be over before timing starts.
    /// A timed batch holds enough calls to last about <see cref="TargetSampleMs"/>; each sample is the batch's time
    /// over its calls. Allocation is read around the whole timed loop, which itself allocates nothing.
    /// </summary>
    public static Measurement Of(IWorkload workload, double seconds)
    {
        ArgumentNullException.ThrowIfNull(workload);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        long budget = (long)(seconds * Stopwatch.Frequency);
        long warmupStart = Stopwatch.GetTimestamp();
        long warmupMin = warmupStart + Math.Max((long)(0.3 * budget), (long)(MinWarmupSeconds * Stopwatch.Frequency));
        long warmupMax = warmupStart + (3 * budget);
        double bestRound = double.MaxValue;
        double lastRound;
        long round = (long)(WarmupRoundMs * Stopwatch.Frequency / 1000);
        do
        {
            long roundStart = Stopwatch.GetTimestamp();
            long roundCalls = 0;
            do
            {
                workload.Run();
                roundCalls++;
            }
            while (Stopwatch.GetTimestamp() - roundStart < round);

            lastRound = (double)(Stopwatch.GetTimestamp() - roundStart) / roundCalls;
            bestRound = Math.Min(bestRound, lastRound);
        }
        while (Stopwatch.GetTimestamp() < warmupMax && (Stopwatch.GetTimestamp() < warmupMin || lastRound > 1.1 * bestRound));

        double perCallMs = lastRound * 1000.0 / Stopwatch.Frequency;
        int batch = (int)Math.Clamp(Math.Round(TargetSampleMs / perCallMs), 1, 1_000_000);

        var samples = new double[MaxSamples];
        int count = 0;
        long calls = 0;
        long end = Stopwatch.GetTimestamp() + (long)(0.7 * budget);
        MachineLoad loadBefore = MachineLoad.Now();
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        do
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < batch; i++)
            {
                workload.Run();
            }

            long stop = Stopwatch.GetTimestamp();
            samples[count++] = (stop - start) * 1000.0 / Stopwatch.Frequency / batch;
            calls += batch;
        }
        while ((count < 5 || Stopwatch.GetTimestamp() < end) && count < MaxSamples);

        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        double foreign = MachineLoad.Now().ForeignShareSince(loadBefore);
        Span<double> taken = samples.AsSpan(0, count);
        taken.Sort();
        double median = count % 2 == 1 ? taken[count / 2] : 0.5 * (taken[(count / 2) - 1] + taken[count / 2]);
        return new Measurement(median, taken[0], (double)allocated / calls, calls, foreign);
    }
}
