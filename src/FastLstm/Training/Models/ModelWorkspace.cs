namespace FastLstm.Training;

/// <summary>
/// What one forward and backward pass of a <see cref="RecurrentModel"/> writes: the recurrent workspace plus the
/// embedding and head buffers. Buffers grow to the largest (T, B) seen and are reused, so later calls allocate nothing.
/// </summary>
/// <remarks>A workspace belongs to one model and one thread at a time; its spans stay valid until the next call that uses it.
/// A workspace created with more than one thread owns worker threads until <see cref="Dispose"/>.</remarks>
public sealed class ModelWorkspace : IDisposable
{
    internal int[] Tokens = [];               // (T, B) token ids (embedding models)
    internal float[] Embedded = [];           // (T, B, E) embedded inputs
    internal float[] LastStates = [];         // (B, D·Hout) the head's input in LastStep mode
    internal float[] OutputBuffer = [];       // (rows, K) the head's output, rows = B or T·B
    internal float[] HeadInputGradient = [];  // (rows, D·Hout)
    internal float[] FinalHiddenGradient = [];// (L·D, B, Hout) dL/dh_n in LastStep mode

    internal ModelWorkspace(RecurrentModel owner, int dropoutSeed, int threads)
    {
        Owner = owner;
        Recurrent = owner.Recurrent.CreateWorkspace(dropoutSeed, threads);

        // dL/dx of the recurrent stack feeds only the embedding's backward; features need none, so skip its product.
        Recurrent.ComputeInputGradient = owner.Embedding is not null;
    }

    /// <summary>Threads the recurrent stack's forward and backward passes may use, the caller's included.</summary>
    public int Threads => Recurrent.Threads;

    /// <summary>Ends the worker threads of a multi-threaded workspace; a single-threaded one holds none.</summary>
    public void Dispose() => Recurrent.Dispose();

    /// <summary>The model this workspace serves.</summary>
    public RecurrentModel Owner { get; }

    /// <summary>The recurrent stack's workspace: its <see cref="RecurrentWorkspace.FinalHidden"/> and <see cref="RecurrentWorkspace.FinalCell"/> carry state between chunks.</summary>
    /// <remarks>Its <see cref="RecurrentWorkspace.ComputeInputGradient"/> is on only for a model with an embedding (the one
    /// reader of dL/dx); set it to true to read <see cref="RecurrentWorkspace.InputGradient"/> of a feature model.</remarks>
    public RecurrentWorkspace Recurrent { get; }

    /// <summary>T of the last forward pass.</summary>
    public int SequenceLength { get; private set; }

    /// <summary>B of the last forward pass.</summary>
    public int BatchSize { get; private set; }

    /// <summary>The head's output of the last forward pass: (B, K) for a last-step head, (T, B, K) for an every-step head.</summary>
    /// <exception cref="InvalidOperationException">No forward pass yet.</exception>
    public ReadOnlySpan<float> Output => HasForward
        ? OutputBuffer.AsSpan(0, Owner.HeadRows(this) * Owner.OutputSize)
        : throw new InvalidOperationException("The workspace holds no forward pass yet; call RecurrentModel.Forward first.");

    internal bool HasForward { get; set; }

    internal void Ensure(int steps, int batch)
    {
        RecurrentModel model = Owner;
        RecurrentOptions o = model.Recurrent.Options;
        int rows = steps * batch;
        int headRows = model.HeadMode == HeadMode.LastStep ? batch : rows;
        SequenceLength = steps;
        BatchSize = batch;
        HasForward = false;
        if (model.Embedding is not null)
        {
            if (Tokens.Length < rows)
            {
                Tokens = new int[rows];
            }

            Grow(ref Embedded, rows * model.Embedding.EmbeddingSize);
        }

        Grow(ref LastStates, batch * o.OutputSize);
        Grow(ref OutputBuffer, headRows * model.OutputSize);
        Grow(ref HeadInputGradient, headRows * o.OutputSize);
        Grow(ref FinalHiddenGradient, o.NumLayers * o.Directions * batch * o.OutputHiddenSize);
    }

    private static void Grow(ref float[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new float[length];
        }
    }
}
