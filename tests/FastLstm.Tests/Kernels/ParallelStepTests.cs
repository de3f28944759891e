using FastLstm.Kernels;
using Xunit;

namespace FastLstm.Tests.Kernels;

/// <summary>
/// The threaded streaming step (<see cref="RecurrentLayer.CreateState"/> with threads) against the one-thread step:
/// every output and state bit-identical over many steps, for the hidden-unit split (B &lt; threads) and the stream
/// split (B ≥ threads), stacks and peepholes; and the worker team's claim-or-steal rule.
/// </summary>
public sealed class ParallelStepTests
{
    private const int Seed = 41;

    public static TheoryData<int, int, int, bool, int> Cases => new()
    {
        // batch, hidden, threads, peephole, layers
        { 1, 128, 2, false, 1 },
        { 1, 64, 2, true, 2 },
        { 1, 48, 3, false, 1 },
        { 3, 32, 2, false, 2 },
        { 1, 16, 2, false, 1 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Step_OnSeveralThreads_BitIdenticalToOneThread(int batch, int hidden, int threads, bool peephole, int layers)
    {
        const int inputSize = 9;
        var layer = new RecurrentLayer(
            new RecurrentOptions { Cell = CellKind.Lstm, InputSize = inputSize, HiddenSize = hidden, Peephole = peephole, NumLayers = layers },
            seed: Seed);
        var random = new Random(Seed);
        float[] x = new float[batch * inputSize];
        float[] expected = new float[batch * hidden];
        float[] actual = new float[batch * hidden];
        RecurrentState single = layer.CreateState(batch);
        using RecurrentState parallel = layer.CreateState(batch, threads);
        parallel.MinParallelStepFlops = 0;
        parallel.AdaptiveSplit = false; // the threaded path every time, however the timings go
        Assert.Equal(threads, parallel.Threads);

        for (int step = 0; step < 20; step++)
        {
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = (2f * random.NextSingle()) - 1f;
            }

            layer.Step(single, x, expected);
            layer.Step(parallel, x, actual);
            Assert.Equal(expected, actual);
        }

        Assert.Equal(single.Hidden.ToArray(), parallel.Hidden.ToArray());
        Assert.Equal(single.Cell.ToArray(), parallel.Cell.ToArray());
        Assert.Contains(actual, value => value != 0f);
    }

    [Fact]
    public void Step_OnSeveralThreads_EqualsTheSequenceForwardPass()
    {
        const int steps = 6;
        var layer = new RecurrentLayer(new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 5, HiddenSize = 64 }, seed: Seed);
        var random = new Random(Seed);
        float[] x = new float[steps * 5];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (2f * random.NextSingle()) - 1f;
        }

        using RecurrentWorkspace workspace = layer.CreateWorkspace();
        layer.Forward(workspace, x, steps, 1);
        using RecurrentState state = layer.CreateState(1, threads: 2);
        state.MinParallelStepFlops = 0;
        state.AdaptiveSplit = false; // the threaded path every time, however the timings go
        float[] h = new float[64];
        for (int t = 0; t < steps; t++)
        {
            layer.Step(state, x.AsSpan(t * 5, 5), h);
            Assert.Equal(workspace.Output.Slice(t * 64, 64).ToArray(), h);
        }
    }

    [Theory]
    [InlineData(WeightPrecision.BFloat16, CellKind.Lstm)]
    [InlineData(WeightPrecision.Float16, CellKind.Lstm)]
    [InlineData(WeightPrecision.Int8, CellKind.Lstm)]
    [InlineData(WeightPrecision.BFloat16, CellKind.Gru)]
    [InlineData(WeightPrecision.Int8, CellKind.RnnTanh)]
    public void ReducedPrecision_OnSeveralThreads_BitIdenticalToOneThread(WeightPrecision precision, CellKind cell)
    {
        const int steps = 5;
        const int hidden = 128;
        var layer = new RecurrentLayer(new RecurrentOptions { Cell = cell, InputSize = 12, HiddenSize = hidden }, seed: Seed);
        layer.InferencePrecision = precision;
        var random = new Random(Seed);
        float[] x = new float[steps * 12];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (2f * random.NextSingle()) - 1f;
        }

        using RecurrentWorkspace single = layer.CreateWorkspace();
        using RecurrentWorkspace parallel = layer.CreateWorkspace(threads: 2);
        parallel.MinParallelStepFlops = 0;
        parallel.AdaptiveSplit = false; // the threaded path every time, however the timings go
        layer.Forward(single, x, steps, 1);
        layer.Forward(parallel, x, steps, 1);
        Assert.Equal(single.Output.ToArray(), parallel.Output.ToArray());

        layer.InferencePrecision = WeightPrecision.Float32;
        using RecurrentWorkspace exact = layer.CreateWorkspace();
        layer.Forward(exact, x, steps, 1);
        Assert.NotEqual(exact.Output.ToArray(), parallel.Output.ToArray());
        layer.InferencePrecision = precision;

        if (cell == CellKind.Lstm)
        {
            RecurrentState oneThread = layer.CreateState();
            using RecurrentState twoThreads = layer.CreateState(1, threads: 2);
            twoThreads.MinParallelStepFlops = 0;
            twoThreads.AdaptiveSplit = false; // the threaded path every time, however the timings go
            float[] expected = new float[hidden];
            float[] actual = new float[hidden];
            for (int t = 0; t < steps; t++)
            {
                layer.Step(oneThread, x.AsSpan(t * 12, 12), expected);
                layer.Step(twoThreads, x.AsSpan(t * 12, 12), actual);
                Assert.Equal(expected, actual);
            }
        }
    }

    [Fact]
    public void CreateState_WithThreadsOutOfRange_ThrowsNamingThreads()
    {
        var layer = new RecurrentLayer(new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 2, HiddenSize = 4 }, seed: Seed);
        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => layer.CreateState(1, threads: 0));
        Assert.Equal("threads", error.ParamName);
        Assert.Contains("got 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Team_RunsEveryPartExactlyOnce_WithWorkersAwakeOrAsleep()
    {
        // Every 100 runs the caller pauses past the workers' spin time, so they sleep and the next run must wake them
        // or, past the grace period, run their parts itself: either way each part runs once per run.
        using var team = new WorkerTeam(3);
        var job = new CountingJob(3);
        for (int run = 0; run < 3000; run++)
        {
            if (run % 100 == 99)
            {
                Thread.Sleep(2);
            }

            team.Run(job);
        }

        Assert.Equal([3000, 3000, 3000], job.Counts);
    }

    [Fact]
    public void Team_Oversubscribed_RunsEveryPartExactlyOnceAndNeverHangs()
    {
        // More team threads than cores, so workers are descheduled between seeing a run and claiming a part, for
        // several runs at a time: a claim must still go to the run in progress, once. A lost or doubled part would
        // leave Run waiting forever, so the runs go on a thread the test waits for with a deadline.
        int threads = 3 * Environment.ProcessorCount;
        var job = new CountingJob(threads);
        const int runs = 20000;
        var driver = new Thread(() =>
        {
            using var team = new WorkerTeam(threads);
            for (int run = 0; run < runs; run++)
            {
                team.Run(job);
            }
        }) { IsBackground = true };
        driver.Start();
        Assert.True(driver.Join(TimeSpan.FromSeconds(120)), "the team hung");
        Assert.All(job.Counts, count => Assert.Equal(runs, count));
    }

    private sealed class CountingJob(int parts) : ITeamJob
    {
        public int[] Counts { get; } = new int[parts];

        public void Execute(int part, int parts) => Interlocked.Increment(ref Counts[part]);
    }
}
