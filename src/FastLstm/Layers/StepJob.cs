using FastLstm.Cells;
using FastLstm.Kernels;

namespace FastLstm;

/// <summary>
/// One LSTM time step: gates += h(t−1)·W_hhᵀ, then the cell. Split by batch rows when there are at least as many
/// rows as threads, else by hidden units (each thread: the same units of all four gate blocks, then their cell).
/// For <see cref="RecurrentLayer.Step"/>, which has no input projection computed ahead, the job first writes
/// gates = bias + x(t)·W_ihᵀ for the same rows or units (<see cref="SetInput"/>).
/// </summary>
internal sealed unsafe class StepJob : ITeamJob
{
    private RecurrentLayer _layer = null!;
    private UnitWeights _unit = null!;
    private WeightPrecision _precision;
    private int _batch;
    private int _hidden;
    private float* _gates;
    private float* _hPrev;
    private float* _cPrev;
    private float* _hNext;
    private float* _cNext;
    private float* _tanhC;
    private float* _peephole;
    private bool _projectInput;
    private float* _x;
    private int _inputWidth;
    private float* _bias;

    /// <summary>Sets the step; the gates must already hold the input projection unless <see cref="SetInput"/> follows.
    /// The products use the unit's weights in <paramref name="precision"/>.</summary>
    public void Set(
        RecurrentLayer layer, UnitWeights unit, WeightPrecision precision, int batch, int hidden, float* gates, float* hPrev, float* cPrev,
        float* hNext, float* cNext, float* tanhC, float* peephole)
    {
        _layer = layer;
        _unit = unit;
        _precision = precision;
        _batch = batch;
        _hidden = hidden;
        _gates = gates;
        _hPrev = hPrev;
        _cPrev = cPrev;
        _hNext = hNext;
        _cNext = cNext;
        _tanhC = tanhC;
        _peephole = peephole;
        _projectInput = false;
    }

    /// <summary>Makes the job compute the input projection too: gates = bias + x(t)·W_ihᵀ, x (B, I).</summary>
    public void SetInput(float* x, int inputWidth, float* bias)
    {
        _projectInput = true;
        _x = x;
        _inputWidth = inputWidth;
        _bias = bias;
    }

    public void Execute(int part, int parts)
    {
        int hidden = _hidden;
        int g4 = 4 * hidden;
        ReadOnlySpan<float> peephole = _peephole == null ? default : new ReadOnlySpan<float>(_peephole, 3 * hidden);
        if (_batch >= parts)
        {
            (int b0, int b1) = ParallelSplit.Range(_batch, part, parts, 1);
            int n = b1 - b0;
            var gates = new Span<float>(_gates + ((long)b0 * g4), n * g4);
            int panels = _layer.RecurrentPanels;
            if (_projectInput)
            {
                var bias = new ReadOnlySpan<float>(_bias, g4);
                for (int row = 0; row < n; row++)
                {
                    bias.CopyTo(gates.Slice(row * g4, g4));
                }

                var x = new ReadOnlySpan<float>(_x + ((long)b0 * _inputWidth), n * _inputWidth);
                _layer.AddInputProduct(_unit, n, x, gates, g4, 0, panels, _precision);
            }

            _layer.AddRecurrentProduct(_unit, n, new ReadOnlySpan<float>(_hPrev + ((long)b0 * hidden), n * hidden), gates, g4, 0, panels, _precision);
            LstmCell.Forward(
                n, hidden, gates, default, new ReadOnlySpan<float>(_cPrev + ((long)b0 * hidden), n * hidden),
                new Span<float>(_cNext + ((long)b0 * hidden), n * hidden), new Span<float>(_tanhC + ((long)b0 * hidden), n * hidden),
                new Span<float>(_hNext + ((long)b0 * hidden), n * hidden), peephole);
            return;
        }

        // Units [u0, u1) of every gate block: whole 64-column groups of W_hh where H allows, else 16-column panels.
        (int u0, int u1) = ParallelSplit.Range(hidden, part, parts, hidden >= 64 * parts ? 64 : 16);
        if (u0 == u1)
        {
            return;
        }

        int all = _batch * hidden;
        var allGates = new Span<float>(_gates, _batch * g4);
        var hPrev = new ReadOnlySpan<float>(_hPrev, all);
        if (_projectInput)
        {
            // This thread's columns of every gate block: bias, then x·W_ihᵀ, then (below) h·W_hhᵀ, as on one thread.
            for (int g = 0; g < 4; g++)
            {
                int first = (g * hidden) + u0;
                for (int b = 0; b < _batch; b++)
                {
                    new ReadOnlySpan<float>(_bias + first, u1 - u0).CopyTo(allGates.Slice((b * g4) + first, u1 - u0));
                }
            }

            _layer.AddInputProductUnits(_unit, _batch, new ReadOnlySpan<float>(_x, _batch * _inputWidth), allGates, u0, u1, _precision);
        }

        _layer.AddRecurrentProductUnits(_unit, _batch, hPrev, allGates, u0, u1, _precision);

        LstmCell.Forward(
            _batch, hidden, u0, u1, allGates, default, new ReadOnlySpan<float>(_cPrev, all), new Span<float>(_cNext, all),
            new Span<float>(_tanhC, all), new Span<float>(_hNext, all), peephole);
    }
}
