namespace FastLstm.Benchmarks.Compare;

/// <summary>
/// FastLstm's streaming step: <see cref="RecurrentLayer.Step"/> on a caller-owned state, allocation-free, with the weights
/// in float32 or a reduced <see cref="RecurrentLayer.InferencePrecision"/> (the fastlstm-bf16/-fp16/-int8 rows).
/// </summary>
public sealed class FastLstmStreamingWorkload : IWorkload
{
    private readonly CaseDefinition _case;
    private readonly RecurrentLayer _layer;
    private readonly RecurrentState _state;
    private readonly float[] _input;
    private readonly float[] _output;

    /// <summary>Builds the layer from the case's weights and starts the state at the case's h0 (and c0).</summary>
    public FastLstmStreamingWorkload(CaseData data, int threads = 1, WeightPrecision precision = WeightPrecision.Float32)
    {
        ArgumentNullException.ThrowIfNull(data);
        _case = data.Definition;
        _layer = new RecurrentLayer(_case.Options);
        CaseData.Restore(data.LayerParameters, _layer.Parameters);
        _layer.InferencePrecision = precision;
        Implementation = WorkloadFactory.ImplementationName(precision);
        // A step splits its hidden units across threads when it has enough work; otherwise the row says it ran on one.
        ThreadsUsed = _case.Cell == CellKind.Lstm && _layer.CanRunParallel() && _layer.WorthSplittingStep(_case.Batch, 0) ? threads : 1;
        _state = _layer.CreateState(_case.Batch, ThreadsUsed);
        data.InitialHidden.CopyTo(_state.Hidden);
        data.InitialCell.CopyTo(_state.Cell);
        _input = data.Input;
        _output = new float[_case.Batch * _case.Hidden];
    }

    /// <inheritdoc/>
    public string Implementation { get; }

    /// <inheritdoc/>
    public int ThreadsUsed { get; }

    /// <summary>The last output value, so a benchmark can return something that depends on the work.</summary>
    public float Last => _output[^1];

    /// <inheritdoc/>
    public void Run() => _layer.Step(_state, _input, _output);

    /// <inheritdoc/>
    public float[] Result() => [.. _state.Hidden, .. _state.Cell];

    /// <inheritdoc/>
    public void Dispose() => _state.Dispose();
}
