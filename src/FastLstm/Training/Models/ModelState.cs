namespace FastLstm.Training;

/// <summary>
/// The state of B streams for <see cref="RecurrentModel.Step"/>: the recurrent state plus step buffers. Owned by
/// the caller; one model can serve many states, each on its own thread.
/// </summary>
public sealed class ModelState
{
    internal readonly int[] Tokens;      // (B) this step's token ids
    internal readonly float[] Embedded;   // (B, E)
    internal readonly float[] Hidden;     // (B, Hout) the last layer's h(t), the head's input

    internal ModelState(RecurrentModel owner, int batchSize)
    {
        Owner = owner;
        Recurrent = owner.Recurrent.CreateState(batchSize);
        Tokens = new int[batchSize];
        Embedded = new float[owner.Embedding is null ? 0 : batchSize * owner.Embedding.EmbeddingSize];
        Hidden = new float[batchSize * owner.Recurrent.Options.OutputHiddenSize];
    }

    /// <summary>The model this state belongs to.</summary>
    public RecurrentModel Owner { get; }

    /// <summary>The recurrent stack's state (h and c of every layer), writable.</summary>
    public RecurrentState Recurrent { get; }

    /// <summary>Number of streams B.</summary>
    public int BatchSize => Recurrent.BatchSize;

    /// <summary>Sets every state to zero, to start new streams.</summary>
    public void Reset() => Recurrent.Reset();
}
