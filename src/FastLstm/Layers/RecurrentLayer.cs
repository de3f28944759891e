
namespace FastLstm;

/// <summary>
/// A stack of recurrent layers, PyTorch's nn.RNN / nn.LSTM / nn.GRU: <see cref="RecurrentOptions.NumLayers"/>
/// layers, one or two directions each, with PyTorch's parameter names, shapes and gate order.
/// </summary>
/// <remarks>
/// <para>Layout (time-major, PyTorch's batch_first = false): input x (T, B, I); output y (T, B, D·Hout) with the
/// forward direction in features 0 … Hout−1 and the reverse one after it; states h (L·D, B, Hout) and
/// c (L·D, B, H), index l·D + d.</para>
/// <para>Variable lengths (PyTorch's PackedSequence, ONNX sequence_lens): sequence b is valid for t &lt; L_b.
/// The forward direction runs t = 0 … L_b−1, the reverse one t = L_b−1 … 0; outputs past L_b are 0, final
/// states are the states after the last valid step, a length of 0 leaves the initial state. Every step still
/// runs the whole batch (invalid rows just carry their state), so unequal lengths cost the same as equal ones.</para>
/// <para>Thread-safety: after construction a layer may run forward passes and <see cref="Step"/>s on several
/// threads at once, each with its own <see cref="RecurrentWorkspace"/> or <see cref="RecurrentState"/>.
/// <see cref="Backward"/> adds to the shared gradients, so training runs on one thread at a time.</para>
/// <para>NaN and infinity propagate like in PyTorch: the engine neither checks for them nor hides them.</para>
/// </remarks>
public sealed partial class RecurrentLayer
{
    private readonly UnitWeights[] _units;

    /// <summary>Builds a layer and initializes every parameter from U(−1/√H, 1/√H), as PyTorch does.</summary>
    /// <param name="options">The architecture; validated here.</param>
    /// <param name="seed">Seed of the initialization.</param>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public RecurrentLayer(RecurrentOptions options, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(nameof(options));
        Options = options;
        GateCount = GateOrder.Count(options.Cell);
        Parameters = new ParameterList();
        _units = new UnitWeights[options.NumLayers * options.Directions];
        RegisterParameters();
        Parameters.Allocate();
        ResetParameters(seed);
    }

    /// <summary>The architecture.</summary>
    public RecurrentOptions Options { get; }

    /// <summary>Every parameter, by PyTorch name, in PyTorch's registration order.</summary>
    public ParameterList Parameters { get; }

    /// <summary>
    /// How the weights of the per-step products are stored for inference: <see cref="WeightPrecision.Float32"/> (the
    /// default, exact) or a reduced form that streams fewer bytes per step and is faster where those products are
    /// bandwidth-bound (batch 1, H in the hundreds).
    /// </summary>
    /// <remarks>
    /// <para>When not float32, <c>Forward(training: false)</c> uses the reduced weights for the recurrent products of each
    /// step, h·W_hhᵀ (and u·W_hrᵀ of an LSTM with projection), and <see cref="Step"/> uses them for x·W_ihᵀ too. The input
    /// projection of a whole sequence in <see cref="Forward"/> (one compute-bound product before the loop) stays float32,
    /// and so does the GRU in its original form (<see cref="RecurrentOptions.GruLinearBeforeReset"/> = false).
    /// <c>Forward(training: true)</c> and <see cref="Backward"/> always use float32; a <see cref="Backward"/> after a reduced
    /// forward pass throws. Products still multiply and accumulate in float32: only the weights are rounded, once per
    /// change of the parameters (the first call after a change repacks them; see <see cref="WeightPrecision"/> for each
    /// format's rounding). Reduced forward passes run on the caller's thread.</para>
    /// <para>Thread-safety: set it before serving; every call reads it once at its start.</para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="WeightPrecision"/>.</exception>
    public WeightPrecision InferencePrecision
    {
        get => _inferencePrecision;
        set
        {
            if (!Enum.IsDefined(value))
            {
                ThrowHelper.OutOfRange(nameof(value), $"InferencePrecision must be one of Float32, BFloat16, Float16, Int8; got {(int)value}.");
            }

            _inferencePrecision = value;
        }
    }

    private WeightPrecision _inferencePrecision;

    internal int GateCount { get; }

    internal int StateCount => _units.Length;

    /// <summary>Fills every parameter from U(−1/√H, 1/√H) with the given seed (PyTorch's reset_parameters).</summary>
    public void ResetParameters(int seed)
    {
        var random = new Random(seed);
        float bound = 1f / MathF.Sqrt(Options.HiddenSize);
        Span<float> values = Parameters.Values;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = ((2f * random.NextSingle()) - 1f) * bound;
        }

        Parameters.MarkChanged();
    }

    /// <summary>A workspace for <see cref="Forward"/> and <see cref="Backward"/>; keep it and reuse it.</summary>
    /// <param name="dropoutSeed">Seed of the dropout masks drawn in training mode.</param>
    /// <param name="threads">Threads a forward or backward pass may use, the caller's included. 1 (the default) starts no
    /// thread and uses no thread pool; more starts <c>threads − 1</c> dedicated workers that the workspace owns until
    /// <see cref="RecurrentWorkspace.Dispose"/>. Results are bit-identical for every thread count. Forward: with at least
    /// 8 rows per thread each thread runs the whole sequence for its rows; smaller batches split each step's hidden units
    /// (LSTM without projection, GRU in PyTorch's form, RNN; H a multiple of 16) once a step has 64 kFLOP of recurrent
    /// product. Backward: the recurrence by rows, the weight- and input-gradient products by output rows.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is outside 1 … 256.</exception>
    public RecurrentWorkspace CreateWorkspace(int dropoutSeed = 0, int threads = 1)
    {
        if (threads is < 1 or > MaxThreads)
        {
            ThrowHelper.OutOfRange(nameof(threads), $"threads must be between 1 and {MaxThreads}; got {threads}.");
        }

        var workspace = new RecurrentWorkspace(this, dropoutSeed);
        if (threads > 1)
        {
            workspace.SetThreads(threads);
        }

        return workspace;
    }

    private const int MaxThreads = 256;

    /// <summary>A zero state for <see cref="Step"/> with <paramref name="batchSize"/> independent streams.</summary>
    /// <param name="batchSize">B, the number of independent streams.</param>
    /// <param name="threads">Threads one <see cref="Step"/> may use, the caller's included. 1 (the default) starts no
    /// thread; more starts <c>threads − 1</c> dedicated workers that the state owns until <see cref="RecurrentState.Dispose"/>.
    /// Results are bit-identical for every thread count. Today an LSTM step (without projection, H a multiple of 16) with
    /// enough work per step splits its hidden units (or, for B ≥ threads, its streams) across them.</param>
    /// <exception cref="InvalidOperationException">The layer is bidirectional: a reverse direction cannot stream.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is less than 1, or <paramref name="threads"/> is outside 1 … 256.</exception>
    public RecurrentState CreateState(int batchSize = 1, int threads = 1)
    {
        if (Options.Bidirectional)
        {
            throw new InvalidOperationException("A bidirectional layer cannot run step by step: its reverse direction needs the whole sequence.");
        }

        if (batchSize < 1)
        {
            ThrowHelper.OutOfRange(nameof(batchSize), $"batchSize must be at least 1; got {batchSize}.");
        }

        if (threads is < 1 or > MaxThreads)
        {
            ThrowHelper.OutOfRange(nameof(threads), $"threads must be between 1 and {MaxThreads}; got {threads}.");
        }

        return new RecurrentState(this, batchSize, threads);
    }

    internal UnitWeights Unit(int layer, int direction) => _units[(layer * Options.Directions) + direction];

    private void RegisterParameters()
    {
        RecurrentOptions o = Options;
        int gatesHidden = GateCount * o.HiddenSize;
        for (int layer = 0; layer < o.NumLayers; layer++)
        {
            int inputWidth = layer == 0 ? o.InputSize : o.OutputSize;
            for (int direction = 0; direction < o.Directions; direction++)
            {
                string suffix = $"_l{layer}" + (direction == 1 ? "_reverse" : "");
                Parameter wih = Parameters.Add("weight_ih" + suffix, gatesHidden, inputWidth);
                Parameter whh = Parameters.Add("weight_hh" + suffix, gatesHidden, o.OutputHiddenSize);
                Parameter? bih = o.Bias ? Parameters.Add("bias_ih" + suffix, gatesHidden) : null;
                Parameter? bhh = o.Bias ? Parameters.Add("bias_hh" + suffix, gatesHidden) : null;
                Parameter? peephole = o.Peephole ? Parameters.Add("weight_peephole" + suffix, 3, o.HiddenSize) : null;
                Parameter? projection = o.ProjectionSize > 0 ? Parameters.Add("weight_hr" + suffix, o.ProjectionSize, o.HiddenSize) : null;
                _units[(layer * o.Directions) + direction] = new UnitWeights
                {
                    InputWeights = wih,
                    HiddenWeights = whh,
                    InputBias = bih,
                    HiddenBias = bhh,
                    Peephole = peephole,
                    Projection = projection,
                    InputWidth = inputWidth,
                    Reverse = direction == 1,
                };
            }
        }
    }
}
