using FastLstm.Kernels;

namespace FastLstm;

/// <summary>
/// The recurrence of one unit over the whole sequence, split by batch rows: each thread runs every step for its own
/// rows (<see cref="RecurrentLayer.RunSteps"/>), so a sequence costs one fork and join instead of one per step. Rows
/// go in runs of <see cref="RecurrentLayer.RowsPerThread"/> so that every thread's product fills the micro-kernel.
/// </summary>
internal sealed class ForwardRowsJob : ITeamJob
{
    private RecurrentLayer _layer = null!;
    private RecurrentWorkspace _workspace = null!;
    private int _layerIndex;
    private int _direction;
    private int _steps;
    private int _batch;
    private WeightPrecision _precision;

    public void Set(RecurrentLayer layer, RecurrentWorkspace workspace, int layerIndex, int direction, int steps, int batch, WeightPrecision precision)
    {
        _layer = layer;
        _workspace = workspace;
        _layerIndex = layerIndex;
        _direction = direction;
        _steps = steps;
        _batch = batch;
        _precision = precision;
    }

    public void Execute(int part, int parts)
    {
        (int b0, int b1) = ParallelSplit.Range(_batch, part, parts, RecurrentLayer.RowsPerThread);
        if (b0 < b1)
        {
            _layer.RunSteps(_workspace, _layerIndex, _direction, _steps, _batch, b0, b1, _precision);
        }
    }
}
