using System.Diagnostics;

namespace FastLstm.Kernels;

/// <summary>
/// Chooses, call by call, between the threaded and the one-thread way of doing the same work, which give identical
/// bits, by timing both as they run. The static cuts (<see cref="RecurrentLayer.WorthSplitting"/>,
/// <see cref="RecurrentLayer.WorthSplittingStep"/>) say where a split per time step can pay on an idle machine;
/// whether it does right now depends on how fast the cores hand data to each other, and on a virtual machine that
/// changes over time. On the 2-vCPU development machine, with nothing else running, a bare fork and join took
/// 0.23–0.29 µs in some periods and 0.83–0.93 µs in others, and a batch-1, H = 128 LSTM forward pass on two threads took
/// 0.30 or 0.63 ms accordingly, against 0.42 ms on one. So each way is timed when it runs, the faster is used, and the
/// other is tried again every <see cref="RecheckInterval"/> calls. One advisor per workspace unit or state layer, used
/// by one caller at a time like its owner; no locks, no allocation.
/// </summary>
internal sealed class SplitAdvisor
{
    /// <summary>Calls between two tries of the way not currently preferred.</summary>
    internal const int RecheckInterval = 32;

    private double _threadedTicks = double.NaN;
    private double _singleTicks = double.NaN;
    private int _calls;
    private int _lastWay = -1; // -1 none yet, 0 one thread, 1 threads

    /// <summary>
    /// Whether the next call should run threaded: first two calls each way (threads first), then the faster, with two
    /// calls of the slower one every <see cref="RecheckInterval"/> calls. Two, because the first call after a change of
    /// way is not a fair sample (<see cref="Record"/>).
    /// </summary>
    public bool PreferThreads()
    {
        _calls++;
        if (double.IsNaN(_threadedTicks))
        {
            return true;
        }

        if (double.IsNaN(_singleTicks))
        {
            return false;
        }

        bool threads = _threadedTicks <= _singleTicks;
        int phase = _calls % RecheckInterval;
        return phase is 0 or 1 ? !threads : threads;
    }

    /// <summary>
    /// Records how long a call took (Stopwatch ticks) the way it ran, per unit of <paramref name="work"/> (time steps ×
    /// rows for a pass, 1 for a streaming step), so calls of different lengths compare. The first call after a change of
    /// way is left out: it pays for the change (workers asleep after a stretch on one thread take tens of µs to wake;
    /// caches hold the other way's data), which says nothing about the way itself. Then the estimate is the mean of the
    /// newest time and the previous estimate, so one interrupted call moves it by half and the next calls pull it back.
    /// </summary>
    public void Record(bool threaded, long ticks, long work = 1)
    {
        Debug.Assert(ticks >= 0 && work > 0, "negative time or no work");
        int way = threaded ? 1 : 0;
        bool changed = way != _lastWay;
        _lastWay = way;
        if (changed)
        {
            return;
        }

        double perWork = (double)ticks / work;
        ref double estimate = ref threaded ? ref _threadedTicks : ref _singleTicks;
        estimate = double.IsNaN(estimate) ? perWork : (0.5 * estimate) + (0.5 * perWork);
    }
}
