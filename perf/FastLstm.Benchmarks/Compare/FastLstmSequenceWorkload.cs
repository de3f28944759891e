namespace FastLstm.Benchmarks.Compare;

/// <summary>
/// FastLstm's forward pass over a whole sequence: <see cref="RecurrentLayer.Forward"/> into a reused workspace, with the
/// recurrent weights in float32 or a reduced <see cref="RecurrentLayer.InferencePrecision"/> (the fastlstm-bf16/-fp16/-int8 rows).
/// </summary>
public sealed class FastLstmSequenceWorkload : IWorkload
{
    private readonly CaseDefinition _case;
    private readonly RecurrentLayer _layer;
    private readonly RecurrentWorkspace _workspace;
    private readonly float[] _input;

    /// <summary>Builds the layer from the case's weights.</summary>
    public FastLstmSequenceWorkload(CaseData data, int threads = 1, WeightPrecision precision = WeightPrecision.Float32)
    {
        ArgumentNullException.ThrowIfNull(data);
        _case = data.Definition;
        _layer = new RecurrentLayer(_case.Options);
        CaseData.Restore(data.LayerParameters, _layer.Parameters);
        _layer.InferencePrecision = precision;
        Implementation = WorkloadFactory.ImplementationName(precision);
        // A pass splits when a step has enough work: by rows for the whole sequence at B ≥ 8 per thread, else each
        // step by hidden units where the architecture allows; otherwise the row says it ran on one thread.
        ThreadsUsed = _layer.WorthSplitting(_case.Batch)
            && (_case.Batch >= RecurrentLayer.RowsPerThread * threads || _layer.CanRunParallel()) ? threads : 1;
        _workspace = _layer.CreateWorkspace(threads: ThreadsUsed);
        _input = data.Input;
    }

    /// <inheritdoc/>
    public string Implementation { get; }

    /// <inheritdoc/>
    public int ThreadsUsed { get; }

    /// <summary>The last output value, so a benchmark can return something that depends on the work.</summary>
    public float Last => _workspace.Output[^1];

    /// <inheritdoc/>
    public void Run() => _layer.Forward(_workspace, _input, _case.Steps, _case.Batch);

    /// <inheritdoc/>
    public float[] Result() =>
        [.. _workspace.Output, .. _workspace.FinalHidden, .. (_case.Cell == CellKind.Lstm ? _workspace.FinalCell : [])];

    /// <inheritdoc/>
    public void Dispose() => _workspace.Dispose();
}
