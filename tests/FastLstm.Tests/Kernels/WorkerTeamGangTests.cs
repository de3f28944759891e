using FastLstm.Kernels;
using Xunit;

namespace FastLstm.Tests.Kernels;

/// <summary>
/// <see cref="WorkerTeam.RunGang"/>: all parts run at once or none does, and <see cref="WorkerTeam.Barrier"/> lets no
/// part into step s + 1 before every part has finished step s; also with more team threads than cores.
/// </summary>
public sealed class WorkerTeamGangTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void RunGang_BarrierHoldsEveryPartUntilAllHaveArrived(int threads)
    {
        // No end to the grace period: with more threads than cores a worker is often descheduled for longer than the
        // default 50 µs, and the gang would (correctly) not start; here every gang should.
        using var team = new WorkerTeam(threads) { GangGraceTicks = long.MaxValue / 2 };
        var job = new SteppingJob(team, threads, steps: 200);
        int together = RunUntilTogether(team, job, runs: 20);
        Assert.Equal(20, together);
        Assert.Equal(0, job.Violations);
        Assert.All(job.Runs, count => Assert.Equal(20, count));
    }

    [Fact]
    public void RunGang_WorkerDoesNotTurnUp_RunsNoPartAndReturnsFalse()
    {
        using var team = new WorkerTeam(2);
        var job = new SteppingJob(team, 2, steps: 10);
        int missed = 0;
        for (int attempt = 0; attempt < 20 && missed == 0; attempt++)
        {
            // Past the workers' spin time the worker sleeps, and takes far longer to wake than a grace of 0 allows
            // (unless this thread is descheduled in between, on a busy machine: hence a few attempts).
            Thread.Sleep(5);
            team.GangGraceTicks = 0;
            int before = job.Runs[0];
            if (!team.RunGang(job))
            {
                missed++;
                Assert.Equal(before, job.Runs[0]);
            }

            Assert.Equal(job.Runs[0], job.Runs[1]);
        }

        Assert.Equal(1, missed);

        // The team is still whole: the next gangs with a grace period run both parts, and their barriers line up.
        team.GangGraceTicks = long.MaxValue / 2;
        int runsBefore = job.Runs[0];
        Assert.Equal(5, RunUntilTogether(team, job, runs: 5));
        Assert.Equal([runsBefore + 5, runsBefore + 5], job.Runs);
        Assert.Equal(0, job.Violations);
    }

    [Fact]
    public void RunGang_Oversubscribed_NeverHangsAndRunsAllOrNothing()
    {
        // More team threads than cores: workers are descheduled while the others wait at a barrier or for them to turn
        // up. A part run twice, or a gang started without one of its parts, would hang at a barrier.
        int threads = 3 * Environment.ProcessorCount;
        int together = 0;
        SteppingJob? job = null;
        var driver = new Thread(() =>
        {
            using var team = new WorkerTeam(threads);
            job = new SteppingJob(team, threads, steps: 5);
            for (int run = 0; run < 2000; run++)
            {
                if (team.RunGang(job))
                {
                    together++;
                }
            }
        }) { IsBackground = true };
        driver.Start();
        Assert.True(driver.Join(TimeSpan.FromSeconds(120)), "the gang hung");
        Assert.Equal(0, job!.Violations);
        Assert.All(job.Runs, count => Assert.Equal(together, count));
    }

    private static int RunUntilTogether(WorkerTeam team, SteppingJob job, int runs)
    {
        // A worker that was asleep may miss one gang (it returns false and runs nothing); it is awake for the next.
        int together = 0;
        for (int attempt = 0; attempt < 100 * runs && together < runs; attempt++)
        {
            if (team.RunGang(job))
            {
                together++;
            }
        }

        return together;
    }

    /// <summary>Each part stamps every step, then checks after the barrier that every part has stamped it.</summary>
    private sealed class SteppingJob(WorkerTeam team, int parts, int steps) : ITeamJob
    {
        private readonly long[] _stamps = new long[parts * 16];
        private int _violations;

        public int[] Runs { get; } = new int[parts];

        public int Violations => Volatile.Read(ref _violations);

        public void Execute(int part, int parts)
        {
            long first = Volatile.Read(ref _stamps[part * 16]);
            for (int s = 1; s <= steps; s++)
            {
                Volatile.Write(ref _stamps[part * 16], first + s);
                team.Barrier(part);
                for (int other = 0; other < parts; other++)
                {
                    if (Volatile.Read(ref _stamps[other * 16]) < first + s)
                    {
                        Interlocked.Increment(ref _violations);
                    }
                }

                team.Barrier(part); // nobody stamps s + 1 before everyone has checked s
            }

            Runs[part]++;
        }
    }
}
