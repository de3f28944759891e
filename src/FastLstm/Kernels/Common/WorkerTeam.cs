using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace FastLstm.Kernels;

/// <summary>
/// The caller's thread plus <c>Size − 1</c> dedicated background threads that run one <see cref="ITeamJob"/> at a
/// time: <see cref="Run"/> is a fork and a join with no allocation and no thread-pool hop, cheap enough to use once
/// per time step (a few hundred nanoseconds when the workers are spinning).
/// </summary>
/// <remarks>
/// <para>Part p has a home: the caller runs part 0, worker p runs part p. A batch-1 time step splits W_hh by hidden
/// units, and a thread that always gets the same units keeps its slice of the weights in its own core's L2 from step
/// to step; a part that went to whichever thread came first would stream it from the other core's cache.</para>
/// <para>A home is a preference, not a wait: once the caller has finished its own part it gives each worker
/// <see cref="GraceTicks"/> to claim its part, then claims and runs it itself. A worker the OS has not scheduled (a busy
/// machine) so costs one grace period, not a stall, and results never depend on which thread ran a part: what a part
/// computes depends only on its index.</para>
/// <para>Idle workers wait for a new generation number, spinning (with the CPU's pause hint) for
/// <see cref="SpinTicks"/> after their last part and then sleeping on a semaphore; <see cref="Run"/> wakes sleepers.
/// A team belongs to one workspace or state, so to one caller thread at a time. <see cref="Dispose"/> ends the workers.</para>
/// </remarks>
internal sealed partial class WorkerTeam : IDisposable
{
    private readonly Thread[] _workers;
    private readonly SemaphoreSlim[] _signals;
    private readonly PaddedSlot[] _slots;   // per part: 0 while open in the current run, 1 once claimed; whether its worker sleeps
    private ITeamJob? _job;
    private PaddedCounter _generation;      // written by the caller only
    private PaddedCounter _pending;         // parts of the current job not finished yet (workers' parts)
    private volatile bool _disposed;

    /// <param name="size">Threads in all, the caller's included (≥ 1).</param>
    public WorkerTeam(int size)
    {
        Debug.Assert(size >= 1, "a team has at least the caller");
        Size = size;
        _workers = new Thread[size - 1];
        _signals = new SemaphoreSlim[size - 1];
        _slots = new PaddedSlot[size];
        _arrivals = new PaddedLong[size];
        for (int i = 0; i < _workers.Length; i++)
        {
            _signals[i] = new SemaphoreSlim(0);
            _workers[i] = new Thread(Work) { IsBackground = true, Name = $"FastLstm worker {i + 1}" };
            _workers[i].Start(i + 1);
        }
    }

    /// <summary>Threads in all, the caller's included.</summary>
    public int Size { get; }

    /// <summary>How long an idle worker spins before it sleeps: 200 µs, longer than the gap between two steps.</summary>
    private static long SpinTicks => Stopwatch.Frequency / 5000;

    /// <summary>How long the caller leaves a worker's part to it before running it itself: 50 µs, far above a spinning
    /// worker's reaction (≈ 0.1 µs) and about what a sleeping worker takes to wake.</summary>
    private static long GraceTicks => Stopwatch.Frequency / 20000;

    /// <summary>How long the caller spins on unfinished parts before it yields its core between looks: 20 µs, several
    /// time steps.</summary>
    private static long YieldTicks => Stopwatch.Frequency / 50000;

    /// <summary>Runs every part of <paramref name="job"/> and returns when all are done.</summary>
    public void Run(ITeamJob job)
    {
        if (Size == 1)
        {
            job.Execute(0, 1);
            return;
        }

        Publish(job);
        job.Execute(0, Size);

        // Every worker's part is claimed by its worker or, after the grace period, by the caller.
        long since = Stopwatch.GetTimestamp();
        for (int part = 1; part < Size; part++)
        {
            while (Volatile.Read(ref _slots[part].Claimed) == 0)
            {
                if (Stopwatch.GetTimestamp() - since > GraceTicks)
                {
                    if (Interlocked.CompareExchange(ref _slots[part].Claimed, 1, 0) == 0)
                    {
                        job.Execute(part, Size);
                        Interlocked.Decrement(ref _pending.Value);
                    }

                    break;
                }

                Pause();
            }
        }

        Join();
    }

    /// <summary>Opens the parts 1 … Size − 1 of <paramref name="job"/> to the workers and wakes the sleepers.</summary>
    private void Publish(ITeamJob job)
    {
        // Publish the job and the count, then open the parts, then the generation (Interlocked writes are full
        // fences), then wake sleepers. A part is open while its claim word is 0; only this method reopens it, so a
        // claim always belongs to the run in progress, whichever generation the claiming worker last saw, and the job
        // it reads after claiming is this one (the run cannot end before the claimed part does).
        Volatile.Write(ref _job, job);
        Volatile.Write(ref _pending.Value, Size - 1);
        for (int part = 1; part < Size; part++)
        {
            Interlocked.Exchange(ref _slots[part].Claimed, 0);
        }

        Interlocked.Increment(ref _generation.Value);
        for (int part = 1; part < Size; part++)
        {
            if (Volatile.Read(ref _slots[part].Sleeping) == 1)
            {
                _signals[part - 1].Release();
            }
        }
    }

    /// <summary>Waits until every claimed part has finished.</summary>
    private void Join()
    {
        // The join: spin while the others finish (a part is microseconds); past YieldTicks a worker has probably been
        // descheduled (a busy machine), and spinning on would only keep it from the core it needs.
        long joinSince = Stopwatch.GetTimestamp();
        while (Volatile.Read(ref _pending.Value) != 0)
        {
            if (Stopwatch.GetTimestamp() - joinSince < YieldTicks)
            {
                Pause();
            }
            else
            {
                Thread.Yield();
            }
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

    /// <summary>The CPU's spin-loop hint: lets the sibling hyper-thread run and saves power without giving up the core.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pause()
    {
        if (X86Base.IsSupported)
        {
            X86Base.Pause();
        }
        else if (ArmBase.IsSupported)
        {
            ArmBase.Yield();
        }
        else
        {
            Thread.SpinWait(1);
        }
    }

    private void Work(object? state)
    {
        int part = (int)state!;
        int seen = 0;
        while (true)
        {
            long idleSince = Stopwatch.GetTimestamp();
            int generation;
            while ((generation = Volatile.Read(ref _generation.Value)) == seen)
            {
                if (_disposed)
                {
                    return;
                }

                if (Stopwatch.GetTimestamp() - idleSince < SpinTicks)
                {
                    Pause();
                    continue;
                }

                // Announce the sleep, then look again (both full fences, against Run's increment-then-read).
                Interlocked.Exchange(ref _slots[part].Sleeping, 1);
                if (Volatile.Read(ref _generation.Value) == seen && !_disposed)
                {
                    _signals[part - 1].Wait();
                }

                Interlocked.Exchange(ref _slots[part].Sleeping, 0);
                idleSince = Stopwatch.GetTimestamp();
            }

            if (_disposed)
            {
                return;
            }

            seen = generation;
            if (Volatile.Read(ref _slots[part].Claimed) == 0 && Interlocked.CompareExchange(ref _slots[part].Claimed, 1, 0) == 0)
            {
                // Read after the claim: the job of the run that opened the part (see Run).
                Volatile.Read(ref _job)!.Execute(part, Size);
                Interlocked.Decrement(ref _pending.Value);
            }
        }
    }

    /// <summary>One part's claim word (reset to 0 by each run, claimed by swapping in 1) and sleep flag on a cache line of their own, so that threads polling one part's
    /// state do not steal the line another thread is writing.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct PaddedSlot
    {
        [FieldOffset(64)]
        public int Claimed;

        [FieldOffset(68)]
        public int Sleeping;
    }

    /// <summary>A counter alone on its cache line.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct PaddedCounter
    {
        [FieldOffset(64)]
        public int Value;
    }
}
