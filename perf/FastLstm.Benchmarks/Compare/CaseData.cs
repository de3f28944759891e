namespace FastLstm.Benchmarks.Compare;

/// <summary>
/// The inputs of one case, drawn from fixed seeds: initial weights (PyTorch's initialization, by FastLstm),
/// x, the initial state of a streaming case and the target of a training case. Every implementation of the case
/// is built from this, so they all do the same work on the same numbers.
/// </summary>
public sealed class CaseData
{
    private const int WeightSeed = 1;
    private const int InputSeed = 2;
    private const int StateSeed = 3;
    private const int HeadSeed = 4;
    private const int TargetSeed = 5;

    /// <summary>Draws the case's data.</summary>
    public CaseData(CaseDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        Definition = definition;
        var layer = new RecurrentLayer(definition.Options, WeightSeed);
        LayerParameters = Snapshot(layer.Parameters);
        if (definition.Kind == CaseKind.Training)
        {
            var head = new Dense(definition.Hidden, CaseDefinition.HeadOutputs, seed: HeadSeed);
            HeadParameters = Snapshot(head.Parameters);
            Target = Uniform(definition.Steps * definition.Batch * CaseDefinition.HeadOutputs, TargetSeed, 1f);
        }

        Input = Uniform(definition.Steps * definition.Batch * definition.Input, InputSeed, 1f);
        if (definition.Kind == CaseKind.Streaming)
        {
            // A state part-way through a stream: h in tanh's range, c a little wider, so every gate matters.
            InitialHidden = Uniform(definition.Batch * definition.Hidden, StateSeed, 0.9f);
            InitialCell = definition.Cell == CellKind.Lstm ? Uniform(definition.Batch * definition.Hidden, StateSeed + 10, 2f) : [];
        }
    }

    /// <summary>The case.</summary>
    public CaseDefinition Definition { get; }

    /// <summary>The recurrent layer's initial parameters, by PyTorch name, in registration order.</summary>
    public IReadOnlyList<(string Name, int[] Shape, float[] Values)> LayerParameters { get; }

    /// <summary>The dense head's initial weight (1, H) and bias (1) (training cases only).</summary>
    public IReadOnlyList<(string Name, int[] Shape, float[] Values)> HeadParameters { get; } = [];

    /// <summary>x (T, B, I), U(−1, 1).</summary>
    public float[] Input { get; }

    /// <summary>h0 (1, B, H) of a streaming case, else empty.</summary>
    public float[] InitialHidden { get; } = [];

    /// <summary>c0 (1, B, H) of a streaming LSTM case, else empty.</summary>
    public float[] InitialCell { get; } = [];

    /// <summary>The regression target (T, B, 1) of a training case, else empty.</summary>
    public float[] Target { get; } = [];

    /// <summary>The values of the layer parameter called <paramref name="name"/>.</summary>
    public float[] Layer(string name)
    {
        foreach ((string n, _, float[] values) in LayerParameters)
        {
            if (n == name)
            {
                return values;
            }
        }

        throw new ArgumentException($"No layer parameter named '{name}'.", nameof(name));
    }

    /// <summary>Copies the snapshot into <paramref name="target"/> (same names and shapes).</summary>
    public static void Restore(IReadOnlyList<(string Name, int[] Shape, float[] Values)> snapshot, ParameterList target)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(target);
        foreach ((string name, int[] shape, float[] values) in snapshot)
        {
            target[name].CopyFrom(values, shape);
        }
    }

    private static List<(string Name, int[] Shape, float[] Values)> Snapshot(ParameterList parameters)
    {
        var list = new List<(string, int[], float[])>();
        foreach (Parameter p in parameters)
        {
            list.Add((p.Name, p.Shape.ToArray(), p.Values.ToArray()));
        }

        return list;
    }

    private static float[] Uniform(int length, int seed, float bound)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = ((2f * random.NextSingle()) - 1f) * bound;
        }

        return values;
    }
}
