using FastLstm.Kernels;

namespace FastLstm;

/// <summary>
/// The backward recurrence of one unit split across a team by batch rows: each thread runs
/// <see cref="RecurrentLayer.BackwardRows"/> over the whole sequence for its own rows, so the T steps need no barrier
/// between them (one fork and join per unit). Rows are independent in the recurrence and every element is computed as
/// on one thread, so the results are bit-identical to it.
/// </summary>
/// <remarks>Reused by one workspace: <see cref="Set"/>, then <see cref="WorkerTeam.Run"/> while the spans behind the
/// pointers stay pinned.</remarks>
internal sealed unsafe class BackwardRecurrenceJob : ITeamJob
{
    private RecurrentLayer _layer = null!;
    private RecurrentWorkspace _workspace = null!;
    private int _layerIndex;
    private int _direction;
    private float* _outputGradient;
    private int _outputGradientLength;
    private float* _finalHidden;
    private int _finalHiddenLength;
    private float* _finalCell;
    private int _finalCellLength;

    /// <summary>The unit and the caller's gradients (pointers with their lengths; a length of 0 means empty).</summary>
    public void Set(
        RecurrentLayer layer, RecurrentWorkspace workspace, int layerIndex, int direction,
        float* outputGradient, int outputGradientLength, float* finalHidden, int finalHiddenLength, float* finalCell, int finalCellLength)
    {
        _layer = layer;
        _workspace = workspace;
        _layerIndex = layerIndex;
        _direction = direction;
        _outputGradient = outputGradient;
        _outputGradientLength = outputGradientLength;
        _finalHidden = finalHidden;
        _finalHiddenLength = finalHiddenLength;
        _finalCell = finalCell;
        _finalCellLength = finalCellLength;
    }

    public void Execute(int part, int parts)
    {
        int batch = _workspace.BatchSize;

        // Runs of 8 rows (the AVX-512 kernel's block) when every thread gets at least one, else single rows.
        (int b0, int b1) = ParallelSplit.Range(batch, part, parts, batch >= 8 * parts ? 8 : 1);
        if (b0 == b1)
        {
            return;
        }

        _layer.BackwardRows(
            _workspace, _layerIndex, _direction,
            new ReadOnlySpan<float>(_outputGradient, _outputGradientLength),
            new ReadOnlySpan<float>(_finalHidden, _finalHiddenLength),
            new ReadOnlySpan<float>(_finalCell, _finalCellLength),
            b0, b1);
    }
}
