namespace FastLstm.Training;

/// <summary>
/// A small sequence model: an optional <see cref="FastLstm.Embedding"/> (token ids in), a <see cref="RecurrentLayer"/>
/// stack, and a <see cref="Dense"/> head on the last step (many-to-one) or on every step (many-to-many).
/// All parameters are reachable at once through <see cref="Parameters"/>, which is what optimizers take.
/// </summary>
/// <remarks>
/// <para>Inputs are time-major (T, B, I). With an embedding, each step of each sequence is one token id stored as a
/// float (exact below 2²⁴), so I = 1 and datasets keep a single element type.</para>
/// <para>Thread-safety: like <see cref="RecurrentLayer"/>: forward passes and <see cref="Step"/>s may run on several
/// threads at once, each with its own workspace or state; <see cref="Backward"/> adds to shared gradients, so training
/// runs on one thread.</para>
/// </remarks>
public sealed class RecurrentModel
{
    private readonly ParameterList[] _parameters;

    /// <summary>Builds the model; every part is initialized as PyTorch does, from seeds derived from <paramref name="seed"/>.</summary>
    /// <param name="recurrent">The recurrent stack. With an embedding its <see cref="RecurrentOptions.InputSize"/> is the embedding size.</param>
    /// <param name="outputSize">K, outputs per row of the head (classes, or regression targets).</param>
    /// <param name="head">Which steps the head reads.</param>
    /// <param name="vocabularySize">V &gt; 0 puts an embedding of V tokens in front; 0 (default) reads feature vectors.</param>
    /// <param name="seed">Seed of the initialization.</param>
    /// <exception cref="ArgumentException">An option or a size is out of range; the message names it.</exception>
    public RecurrentModel(RecurrentOptions recurrent, int outputSize, HeadMode head, int vocabularySize = 0, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(recurrent);
        if (!Enum.IsDefined(head))
        {
            TrainingThrow.Argument(nameof(head), $"head must be a defined HeadMode; got {(int)head}.");
        }

        if (vocabularySize < 0)
        {
            TrainingThrow.OutOfRange(nameof(vocabularySize), $"vocabularySize must be 0 (no embedding) or positive; got {vocabularySize}.");
        }

        // Distinct, fixed seeds per part: changing one part's size does not change another's initial weights.
        Recurrent = new RecurrentLayer(recurrent, seed);
        Embedding = vocabularySize > 0 ? new Embedding(vocabularySize, recurrent.InputSize, unchecked(seed + 1_000_003)) : null;
        Head = new Dense(recurrent.OutputSize, outputSize, bias: true, seed: unchecked(seed + 2_000_003));
        HeadMode = head;
        _parameters = Embedding is null
            ? [Recurrent.Parameters, Head.Parameters]
            : [Embedding.Parameters, Recurrent.Parameters, Head.Parameters];
        for (int i = 0; i < _parameters.Length; i++)
        {
            ParameterCount += _parameters[i].TotalLength;
        }
    }

    /// <summary>The token embedding, or null when the model reads feature vectors.</summary>
    public Embedding? Embedding { get; }

    /// <summary>The recurrent stack.</summary>
    public RecurrentLayer Recurrent { get; }

    /// <summary>The dense head, (D·Hout) → K.</summary>
    public Dense Head { get; }

    /// <summary>Which steps the head reads.</summary>
    public HeadMode HeadMode { get; }

    /// <summary>Values per step of the input: 1 (a token id) with an embedding, else the recurrent input size I.</summary>
    public int InputSize => Embedding is null ? Recurrent.Options.InputSize : 1;

    /// <summary>K, outputs per row.</summary>
    public int OutputSize => Head.OutputSize;

    /// <summary>Every parameter list: embedding (when present), recurrent stack, head, in that order.</summary>
    public IReadOnlyList<ParameterList> Parameters => _parameters;

    /// <summary>Total number of scalar parameters.</summary>
    public int ParameterCount { get; }

    /// <summary>A workspace for <see cref="Forward"/> and <see cref="Backward"/>; keep and reuse it (it belongs to one thread).</summary>
    /// <param name="dropoutSeed">Seed of the recurrent stack's dropout masks.</param>
    /// <param name="threads">Threads the recurrent stack may use, the caller's included (see
    /// <see cref="RecurrentLayer.CreateWorkspace"/>); more than 1 starts worker threads that the workspace owns until
    /// <see cref="ModelWorkspace.Dispose"/>. Results are bit-identical for every thread count.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is outside 1 … 256.</exception>
    public ModelWorkspace CreateWorkspace(int dropoutSeed = 0, int threads = 1) => new(this, dropoutSeed, threads);

    /// <summary>A zero state of <paramref name="batchSize"/> streams for <see cref="Step"/> (generation, forecasting).</summary>
    /// <exception cref="InvalidOperationException">The stack is bidirectional.</exception>
    public ModelState CreateState(int batchSize = 1) => new(this, batchSize);

    /// <summary>
    /// Runs the model over a batch; the head's outputs are then in <see cref="ModelWorkspace.Output"/>: (B, K) for
    /// <see cref="HeadMode.LastStep"/>, (T, B, K) for <see cref="HeadMode.EveryStep"/> (rows past a sequence's length
    /// hold the head's bias). Allocation-free once the workspace has seen this (T, B).
    /// </summary>
    /// <param name="workspace">From <see cref="CreateWorkspace"/>.</param>
    /// <param name="input">(T, B, <see cref="InputSize"/>) features, or token ids as floats.</param>
    /// <param name="sequenceLength">T.</param>
    /// <param name="batchSize">B.</param>
    /// <param name="lengths">B lengths, or empty for all T.</param>
    /// <param name="initialHidden">h0 (L·D, B, Hout), or empty for zeros (truncated BPTT passes the previous chunk's final state).</param>
    /// <param name="initialCell">c0 (L·D, B, H) for an LSTM, or empty for zeros.</param>
    /// <param name="training">Apply dropout.</param>
    /// <exception cref="ArgumentException">A length does not fit, a token id is out of range, or the workspace is another model's.</exception>
    public void Forward(
        ModelWorkspace workspace, ReadOnlySpan<float> input, int sequenceLength, int batchSize,
        ReadOnlySpan<int> lengths = default, ReadOnlySpan<float> initialHidden = default, ReadOnlySpan<float> initialCell = default,
        bool training = false)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (!ReferenceEquals(workspace.Owner, this))
        {
            TrainingThrow.Argument(nameof(workspace), "The workspace was created by another model; use this model's CreateWorkspace().");
        }

        if (sequenceLength < 1 || batchSize < 1)
        {
            TrainingThrow.OutOfRange(nameof(sequenceLength), $"sequenceLength and batchSize must be at least 1; got {sequenceLength} and {batchSize}.");
        }

        TrainingThrow.CheckLength(input, (long)sequenceLength * batchSize * InputSize, nameof(input));
        int rows = sequenceLength * batchSize;
        workspace.Ensure(sequenceLength, batchSize);
        ReadOnlySpan<float> recurrentInput = input;
        if (Embedding is not null)
        {
            Span<int> tokens = workspace.Tokens.AsSpan(0, rows);
            for (int n = 0; n < rows; n++)
            {
                tokens[n] = TokenId(input[n], Embedding.VocabularySize);
            }

            Span<float> embedded = workspace.Embedded.AsSpan(0, rows * Embedding.EmbeddingSize);
            Embedding.Forward(tokens, embedded);
            recurrentInput = embedded;
        }

        Recurrent.Forward(workspace.Recurrent, recurrentInput, sequenceLength, batchSize, lengths, initialHidden, initialCell, training);
        ReadOnlySpan<float> headInput = HeadInput(workspace);
        Head.Forward(headInput, workspace.OutputBuffer.AsSpan(0, HeadRows(workspace) * OutputSize));
        workspace.HasForward = true;
    }

    /// <summary>
    /// Backpropagates dL/d outputs through head, recurrent stack and embedding, ADDING parameter gradients to every
    /// list of <see cref="Parameters"/> (zero them first). No gradient flows into the initial states' producers:
    /// truncated BPTT stops here by construction.
    /// </summary>
    /// <param name="workspace">The workspace of the forward pass.</param>
    /// <param name="outputGradient">dL/d outputs, the shape of <see cref="ModelWorkspace.Output"/>.</param>
    /// <exception cref="ArgumentException">The gradient's length does not fit, or the workspace is another model's.</exception>
    /// <exception cref="InvalidOperationException">The workspace holds no forward pass.</exception>
    public void Backward(ModelWorkspace workspace, ReadOnlySpan<float> outputGradient)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (!ReferenceEquals(workspace.Owner, this))
        {
            TrainingThrow.Argument(nameof(workspace), "The workspace was created by another model; use this model's CreateWorkspace().");
        }

        if (!workspace.HasForward)
        {
            throw new InvalidOperationException("The workspace holds no forward pass; call Forward before Backward.");
        }

        int headRows = HeadRows(workspace);
        TrainingThrow.CheckLength(outputGradient, (long)headRows * OutputSize, nameof(outputGradient));
        RecurrentOptions o = Recurrent.Options;
        int batch = workspace.BatchSize;
        Span<float> headInputGradient = workspace.HeadInputGradient.AsSpan(0, headRows * o.OutputSize);
        Head.Backward(HeadInput(workspace), outputGradient, headInputGradient);

        if (HeadMode == HeadMode.EveryStep)
        {
            Recurrent.Backward(workspace.Recurrent, headInputGradient);
        }
        else
        {
            // The head read the last layer's final states; its gradient enters there, through dL/dh_n.
            int outputHidden = o.OutputHiddenSize;
            Span<float> finalGradient = workspace.FinalHiddenGradient.AsSpan(0, o.NumLayers * o.Directions * batch * outputHidden);
            finalGradient.Clear();
            for (int d = 0; d < o.Directions; d++)
            {
                int unit = ((o.NumLayers - 1) * o.Directions) + d;
                for (int b = 0; b < batch; b++)
                {
                    headInputGradient.Slice((b * o.OutputSize) + (d * outputHidden), outputHidden)
                        .CopyTo(finalGradient.Slice(((unit * batch) + b) * outputHidden, outputHidden));
                }
            }

            Recurrent.Backward(workspace.Recurrent, default, finalGradient);
        }

        if (Embedding is not null)
        {
            int rows = workspace.SequenceLength * batch;
            Embedding.Backward(workspace.Tokens.AsSpan(0, rows), workspace.Recurrent.InputGradient);
        }
    }

    /// <summary>
    /// Advances <see cref="ModelState.BatchSize"/> streams by one step and writes the head's output for that step:
    /// the streaming form used by generation and recursive forecasting. Allocation-free.
    /// </summary>
    /// <param name="state">From <see cref="CreateState"/>.</param>
    /// <param name="input">(B, <see cref="InputSize"/>) features or token ids as floats.</param>
    /// <param name="output">(B, K), written.</param>
    /// <exception cref="ArgumentException">A length does not fit, a token id is out of range, or the state is another model's.</exception>
    public void Step(ModelState state, ReadOnlySpan<float> input, Span<float> output)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!ReferenceEquals(state.Owner, this))
        {
            TrainingThrow.Argument(nameof(state), "The state was created by another model; use this model's CreateState().");
        }

        int batch = state.BatchSize;
        TrainingThrow.CheckLength(input, (long)batch * InputSize, nameof(input));
        TrainingThrow.CheckLength(output, (long)batch * OutputSize, nameof(output));
        ReadOnlySpan<float> recurrentInput = input;
        if (Embedding is not null)
        {
            for (int b = 0; b < batch; b++)
            {
                state.Tokens[b] = TokenId(input[b], Embedding.VocabularySize);
            }

            Embedding.Forward(state.Tokens, state.Embedded);
            recurrentInput = state.Embedded;
        }

        Recurrent.Step(state.Recurrent, recurrentInput, state.Hidden);
        Head.Forward(state.Hidden, output);
    }

    /// <summary>Copies every parameter value, list after list, into <paramref name="destination"/> (<see cref="ParameterCount"/> values).</summary>
    /// <exception cref="ArgumentException">The length is not <see cref="ParameterCount"/>.</exception>
    public void CopyValuesTo(Span<float> destination)
    {
        TrainingThrow.CheckLength(destination.Length, ParameterCount, nameof(destination));
        int offset = 0;
        foreach (ParameterList list in _parameters)
        {
            list.Values.CopyTo(destination.Slice(offset));
            offset += list.TotalLength;
        }
    }

    /// <summary>Overwrites every parameter value from <paramref name="source"/> (the layout of <see cref="CopyValuesTo"/>) and marks the lists changed.</summary>
    /// <exception cref="ArgumentException">The length is not <see cref="ParameterCount"/>.</exception>
    public void CopyValuesFrom(ReadOnlySpan<float> source)
    {
        TrainingThrow.CheckLength(source.Length, ParameterCount, nameof(source));
        int offset = 0;
        foreach (ParameterList list in _parameters)
        {
            source.Slice(offset, list.TotalLength).CopyTo(list.Values);
            list.MarkChanged();
            offset += list.TotalLength;
        }
    }

    /// <summary>Sets every gradient of every list to zero.</summary>
    public void ZeroGradients()
    {
        foreach (ParameterList list in _parameters)
        {
            list.ZeroGradients();
        }
    }

    /// <summary>Head rows of the workspace's pass: B (last step) or T·B (every step).</summary>
    internal int HeadRows(ModelWorkspace workspace) =>
        HeadMode == HeadMode.LastStep ? workspace.BatchSize : workspace.SequenceLength * workspace.BatchSize;

    private ReadOnlySpan<float> HeadInput(ModelWorkspace workspace)
    {
        RecurrentWorkspace recurrent = workspace.Recurrent;
        if (HeadMode == HeadMode.EveryStep)
        {
            return recurrent.Output;
        }

        // Gather (B, D·Hout) from the last layer's final states (L·D, B, Hout): direction d fills features d·Hout ….
        RecurrentOptions o = Recurrent.Options;
        int batch = workspace.BatchSize;
        int outputHidden = o.OutputHiddenSize;
        ReadOnlySpan<float> final = recurrent.FinalHidden;
        Span<float> gathered = workspace.LastStates.AsSpan(0, batch * o.OutputSize);
        for (int d = 0; d < o.Directions; d++)
        {
            int unit = ((o.NumLayers - 1) * o.Directions) + d;
            for (int b = 0; b < batch; b++)
            {
                final.Slice(((unit * batch) + b) * outputHidden, outputHidden)
                    .CopyTo(gathered.Slice((b * o.OutputSize) + (d * outputHidden), outputHidden));
            }
        }

        return gathered;
    }

    private static int TokenId(float value, int vocabularySize)
    {
        int id = (int)value;
        if (id != value || (uint)id >= (uint)vocabularySize)
        {
            TrainingThrow.OutOfRange("input", $"A token input must be an integer id in [0, {vocabularySize}); got {value}.");
        }

        return id;
    }
}
