using System.Diagnostics;

namespace FastLstm.Benchmarks.Compare;

/// <summary>Runs the same action on N dedicated threads released together, for the probes.</summary>
internal static class ParallelRun
{
    /// <summary>Wall-clock seconds from the common start until the last thread finishes.</summary>
    public static double Seconds(int threads, Action action) => Seconds(threads, _ => action());

    /// <summary>As <see cref="Seconds(int, Action)"/>, passing each thread its index.</summary>
    public static double Seconds(int threads, Action<int> action)
    {
        using var ready = new CountdownEvent(threads);
        using var start = new ManualResetEventSlim(false);
        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            int index = t;
            workers[t] = new Thread(() =>
            {
                ready.Signal();
                start.Wait();
                action(index);
            })
            { IsBackground = true };
            workers[t].Start();
        }

        ready.Wait();
        var sw = Stopwatch.StartNew();
        start.Set();
        foreach (Thread worker in workers)
        {
            worker.Join();
        }

        return sw.Elapsed.TotalSeconds;
    }
}
