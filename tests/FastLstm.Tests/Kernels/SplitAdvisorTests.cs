using FastLstm.Kernels;
using Xunit;

namespace FastLstm.Tests.Kernels;

/// <summary>
/// <see cref="SplitAdvisor"/>: which way it picks from fed timings (each way tried once, then the faster, the other
/// retried every <see cref="SplitAdvisor.RecheckInterval"/> calls, a change of speed followed); and, with the advisor
/// on, a threaded layer still gives the one-thread bits on every call, whichever way each call ran.
/// </summary>
public sealed class SplitAdvisorTests
{
    [Fact]
    public void TriesThreadsThenOneThread_ThenKeepsTheFaster()
    {
        var advisor = new SplitAdvisor();
        Assert.True(advisor.PreferThreads());
        advisor.Record(threaded: true, 300);
        Assert.False(advisor.PreferThreads());
        advisor.Record(threaded: false, 100);

        // One thread is faster: it runs, except for one retry of the threads every RecheckInterval calls.
        int threadedCalls = 0;
        for (int call = 0; call < 4 * SplitAdvisor.RecheckInterval; call++)
        {
            bool threads = advisor.PreferThreads();
            advisor.Record(threads, threads ? 300 : 100);
            threadedCalls += threads ? 1 : 0;
        }

        Assert.Equal(4, threadedCalls);
    }

    [Fact]
    public void FollowsTheMachine_WhenTheSlowerWayBecomesFaster()
    {
        var advisor = new SplitAdvisor();
        advisor.PreferThreads();
        advisor.Record(threaded: true, 900);     // a slow period for the cores' hand-over
        advisor.PreferThreads();
        advisor.Record(threaded: false, 400);

        // From now on the threads take 200 and one thread 400: the first retry of the threads halves their estimate
        // to 550, the second to 375, and from then on they win.
        var ways = new List<bool>();
        for (int call = 0; call < 3 * SplitAdvisor.RecheckInterval; call++)
        {
            bool threads = advisor.PreferThreads();
            advisor.Record(threads, threads ? 200 : 400);
            ways.Add(threads);
        }

        // Call numbers count the two above: loop index i is call i + 3. The second retry is call 2·RecheckInterval; after
        // it the threads run every call but the one-thread retries.
        int flip = (2 * SplitAdvisor.RecheckInterval) - 3;
        Assert.True(ways[flip], "the second retry did not run the threads");
        for (int i = 0; i < ways.Count; i++)
        {
            bool retry = (i + 3) % SplitAdvisor.RecheckInterval == 0;
            bool expected = i > flip ? !retry : retry;
            Assert.True(ways[i] == expected, $"call {i + 3}: threads {ways[i]}, expected {expected}");
        }
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
