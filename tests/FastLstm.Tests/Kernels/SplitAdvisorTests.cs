using FastLstm.Kernels;
using Xunit;

namespace FastLstm.Tests.Kernels;

/// <summary>
/// <see cref="SplitAdvisor"/>: which way it picks from fed timings (each way tried twice, the first call after a change
/// not counted, then the faster, the other retried every <see cref="SplitAdvisor.RecheckInterval"/> calls, a change of
/// speed followed); and, with the advisor
/// on, a threaded layer still gives the one-thread bits on every call, whichever way each call ran.
/// </summary>
public sealed class SplitAdvisorTests
{
    [Fact]
    public void TriesEachWayTwice_ThenKeepsTheFaster_RetryingTheOther()
    {
        // Threads take 300 ticks a call, one thread 100. ways[c] is call c + 1.
        List<bool> ways = Drive(new SplitAdvisor(), 4 * SplitAdvisor.RecheckInterval, _ => (300, 100));
        Assert.Equal([true, true, false, false], ways.Take(4));
        for (int c = 4; c < ways.Count; c++)
        {
            int call = c + 1;
            bool retry = call % SplitAdvisor.RecheckInterval is 0 or 1;
            Assert.True(ways[c] == retry, $"call {call}: threads {ways[c]}");
        }
    }

    [Fact]
    public void FirstCallAfterAChangeOfWay_IsNotCounted()
    {
        // The first threaded call pays for waking the workers (10 000); counted, it would make one thread look better.
        var advisor = new SplitAdvisor();
        Assert.True(advisor.PreferThreads());
        advisor.Record(threaded: true, 10_000);
        Assert.True(advisor.PreferThreads());
        advisor.Record(threaded: true, 200);
        Assert.False(advisor.PreferThreads());
        advisor.Record(threaded: false, 10_000);
        Assert.False(advisor.PreferThreads());
        advisor.Record(threaded: false, 400);
        Assert.True(advisor.PreferThreads());
    }

    [Fact]
    public void FollowsTheMachine_WhenTheSlowerWayBecomesFaster()
    {
        // A slow period for the cores' hand-over (threads 900, one thread 400) for the first four calls, then threads
        // 200: the retry at calls 32–33 halves the threads' estimate to 550, the one at 64–65 to 375, below 400, so the
        // threads run from call 66 on, apart from the one-thread retries.
        List<bool> ways = Drive(new SplitAdvisor(), 4 * SplitAdvisor.RecheckInterval, call => call <= 4 ? (900, 400) : (200, 400));
        int r = SplitAdvisor.RecheckInterval;
        for (int c = 4; c < ways.Count; c++)
        {
            int call = c + 1;
            bool retry = call % r is 0 or 1;
            bool expected = call > (2 * r) + 1 ? !retry : retry;
            Assert.True(ways[c] == expected, $"call {call}: threads {ways[c]}, expected {expected}");
        }
    }

    [Fact]
    public void ComparesTimePerUnitOfWork()
    {
        // Threads ran long passes (1 000 steps: 50 000 ticks), one thread short ones (10 steps: 1 000): per step the
        // threads are faster (50 against 100), whatever the totals say.
        var advisor = new SplitAdvisor();
        advisor.PreferThreads();
        advisor.Record(threaded: true, 50_000, work: 1_000);
        advisor.PreferThreads();
        advisor.Record(threaded: true, 50_000, work: 1_000);
        advisor.PreferThreads();
        advisor.Record(threaded: false, 1_000, work: 10);
        advisor.PreferThreads();
        advisor.Record(threaded: false, 1_000, work: 10);
        Assert.True(advisor.PreferThreads());
    }

    /// <summary>Runs <paramref name="calls"/> calls, each recording the time <paramref name="ticks"/> gives for its way
    /// (by 1-based call number: threaded, one thread); returns the ways taken.</summary>
    private static List<bool> Drive(SplitAdvisor advisor, int calls, Func<int, (long Threaded, long Single)> ticks)
    {
        var ways = new List<bool>();
        for (int call = 1; call <= calls; call++)
        {
            bool threads = advisor.PreferThreads();
            (long threaded, long single) = ticks(call);
            advisor.Record(threads, threads ? threaded : single);
            ways.Add(threads);
        }

        return ways;
    }

    [Fact]
    public void AdaptiveForward_EveryCall_BitIdenticalToOneThread()
    {
        // Batch 1, H = 64: a per-step unit split (with the cut lowered), whichever way the advisor picks per call.
        var layer = new RecurrentLayer(new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 8, HiddenSize = 64 }, seed: 5);
        using RecurrentWorkspace single = layer.CreateWorkspace();
        using RecurrentWorkspace adaptive = layer.CreateWorkspace(threads: 2);
        adaptive.MinParallelStepFlops = 0;
        var random = new Random(6);
        float[] x = new float[12 * 8];
        for (int call = 0; call < 3 * SplitAdvisor.RecheckInterval; call++)
        {
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = (2f * random.NextSingle()) - 1f;
            }

            layer.Forward(single, x, 12, 1);
            layer.Forward(adaptive, x, 12, 1);
            Assert.Equal(single.Output.ToArray(), adaptive.Output.ToArray());
        }
    }

    [Fact]
    public void AdaptiveStep_EveryCall_BitIdenticalToOneThread()
    {
        var layer = new RecurrentLayer(new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 8, HiddenSize = 64, NumLayers = 2 }, seed: 7);
        RecurrentState single = layer.CreateState(1);
        using RecurrentState adaptive = layer.CreateState(1, threads: 2);
        adaptive.MinParallelStepFlops = 0;
        var random = new Random(8);
        float[] x = new float[8];
        float[] expected = new float[64];
        float[] actual = new float[64];
        for (int step = 0; step < 3 * SplitAdvisor.RecheckInterval; step++)
        {
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = (2f * random.NextSingle()) - 1f;
            }

            layer.Step(single, x, expected);
            layer.Step(adaptive, x, actual);
            Assert.Equal(expected, actual);
        }

        Assert.Equal(single.Cell.ToArray(), adaptive.Cell.ToArray());
    }
}
