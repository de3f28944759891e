namespace FastLstm.Kernels;

/// <summary>A piece of work split into parts that the threads of a <see cref="WorkerTeam"/> claim one by one; what a part computes depends only on its index.</summary>
internal interface ITeamJob
{
    /// <summary>Runs part <paramref name="part"/> of <paramref name="parts"/>. Must not throw.</summary>
    void Execute(int part, int parts);
}
