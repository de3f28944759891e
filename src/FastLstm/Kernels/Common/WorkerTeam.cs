using System.Diagnostics;

namespace FastLstm.Kernels;

/// <summary>
/// The caller's thread plus <c>Size − 1</c> dedicated background threads that run one <see cref="ITeamJob"/> at a
/// time: <see cref="Run"/> is a fork and a join with no allocation and no thread-pool hop, cheap enough to use once
/// per time step (about a microsecond when the workers are spinning).
/// </summary>
/// <remarks>
/// Parts are claimed, not assigned: every thread, the caller first, takes the next unclaimed part until none is
/// left. A worker that the OS has not scheduled (a busy machine) simply claims nothing, and the caller runs its
/// parts, so a team degrades to one thread's speed instead of waiting on a descheduled thread. What a part computes
/// depends only on its index, so results do not depend on which thread ran it.
/// Idle workers wait for a new generation number, spinning for <see cref="SpinTicks"/> after their last job and then
/// sleeping on a semaphore; <see cref="Run"/> wakes sleepers. A team belongs to one workspace or state, so to one
/// caller thread at a time. <see cref="Dispose"/> ends the workers.
/// </remarks>
internal sealed class WorkerTeam : IDisposable
{
    private readonly Thread[] _workers;
    private readonly SemaphoreSlim[] _signals;
    private readonly int[] _sleeping;
    private ITeamJob? _job;
    private int _generation;
    private int _claimed;
    private int _done;
    private volatile bool _disposed;

    /// <param name="size">Threads in all, the caller's included (≥ 1).</param>
    public WorkerTeam(int size)
    {
        Debug.Assert(size >= 1, "a team has at least the caller");
        Size = size;
        _workers = new Thread[size - 1];
        _signals = new SemaphoreSlim[size - 1];
        _sleeping = new int[size - 1];
        for (int i = 0; i < _workers.Length; i++)
        {
            _signals[i] = new SemaphoreSlim(0);
            _workers[i] = new Thread(Work) { IsBackground = true, Name = $"FastLstm worker {i + 1}" };
            _workers[i].Start(i);
        }
    }

    /// <summary>Threads in all, the caller's included.</summary>
    public int Size { get; }

    /// <summary>How long an idle worker spins before it sleeps: 200 µs, longer than the gap between two steps.</summary>
    private static long SpinTicks => Stopwatch.Frequency / 5000;

    /// <summary>Runs every part of <paramref name="job"/> and returns when all are done.</summary>
    public void Run(ITeamJob job)
    {
        if (Size == 1)
        {
            job.Execute(0, 1);
            return;
        }

        // Publish the job, then open its parts, then wake the workers (Interlocked writes are full fences).
        Volatile.Write(ref _job, job);
        Volatile.Write(ref _done, 0);
        Interlocked.Exchange(ref _claimed, 0);
        Interlocked.Increment(ref _generation);
        for (int i = 0; i < _workers.Length; i++)
        {
            if (Volatile.Read(ref _sleeping[i]) == 1)
            {
                _signals[i].Release();
            }
        }

        RunParts();
        var spinner = default(SpinWait);
        while (Volatile.Read(ref _done) != Size)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }
    }

    /// <summary>Claims and runs parts of the current job until none is left.</summary>
    private void RunParts()
    {
        while (true)
        {
            int part = Interlocked.Increment(ref _claimed) - 1;
            if (part >= Size)
            {
                return;
            }

            // Read after the claim: a claimed part belongs to the job published before the parts were opened.
            Volatile.Read(ref _job)!.Execute(part, Size);
            Interlocked.Increment(ref _done);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (SemaphoreSlim signal in _signals)
        {
            signal.Release();
        }

        foreach (Thread worker in _workers)
        {
            worker.Join();
        }

        foreach (SemaphoreSlim signal in _signals)
        {
            signal.Dispose();
        }
    }

    private void Work(object? state)
    {
        int index = (int)state!;
        int seen = 0;
        while (true)
        {
            long idleSince = Stopwatch.GetTimestamp();
            while (Volatile.Read(ref _generation) == seen)
            {
                if (_disposed)
                {
                    return;
                }

                if (Stopwatch.GetTimestamp() - idleSince < SpinTicks)
                {
                    Thread.SpinWait(16);
                    continue;
                }

                // Announce the sleep, then look again (both full fences, against Run's increment-then-read).
                Interlocked.Exchange(ref _sleeping[index], 1);
                if (Volatile.Read(ref _generation) == seen && !_disposed)
                {
                    _signals[index].Wait();
                }

                Interlocked.Exchange(ref _sleeping[index], 0);
                idleSince = Stopwatch.GetTimestamp();
            }

            if (_disposed)
            {
                return;
            }

            seen = Volatile.Read(ref _generation);
            RunParts();
        }
    }
}
