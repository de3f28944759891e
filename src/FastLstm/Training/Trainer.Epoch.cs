namespace FastLstm.Training;

public sealed partial class Trainer
{
    /// <summary>
    /// Starts epoch <paramref name="epoch"/>: a model with dropout gets a workspace whose dropout generator is seeded
    /// by (<see cref="TrainerOptions.Seed"/>, epoch) only, like the shuffle order (<c>FillOrder</c>). No generator
    /// state then crosses an epoch boundary, so a run resumed from a checkpoint at epoch k
    /// (<see cref="TrainerOptions.InitialEpoch"/> = k) draws the same masks as the uninterrupted run, bit for bit.
    /// </summary>
    /// <remarks>
    /// A new workspace regrows its buffers on the epoch's first batch: one allocation burst per epoch, none per step.
    /// Without dropout nothing is drawn and the workspace is kept.
    /// </remarks>
    private void BeginEpoch(int epoch)
    {
        if (Model.Recurrent.Options.Dropout > 0f)
        {
            _workspace.Dispose();   // ends the old workspace's worker threads, if it has any
            _workspace = Model.CreateWorkspace(EpochSeed(Options.Seed, epoch), Options.Threads);
        }
    }

    /// <summary>A seed for epoch <paramref name="epoch"/> of a run seeded <paramref name="seed"/> (SplitMix64's finalizer, so nearby seeds and epochs give unrelated streams).</summary>
    private static int EpochSeed(int seed, int epoch)
    {
        ulong z = ((ulong)(uint)seed << 32) | (uint)epoch;
        z += 0x9E3779B97F4A7C15ul;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ul;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBul;
        return (int)(z ^ (z >> 31));
    }
}
