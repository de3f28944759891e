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
        float[] h = new float[64];
        for (int t = 0; t < steps; t++)
        {
            layer.Step(state, x.AsSpan(t * 5, 5), h);
            Assert.Equal(workspace.Output.Slice(t * 64, 64).ToArray(), h);
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

    private sealed class CountingJob(int parts) : ITeamJob
    {
        public int[] Counts { get; } = new int[parts];

        public void Execute(int part, int parts) => Interlocked.Increment(ref Counts[part]);
    }
}
