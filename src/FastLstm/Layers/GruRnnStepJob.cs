using FastLstm.Cells;
using FastLstm.Kernels;

namespace FastLstm;

/// <summary>
/// One GRU (PyTorch form, linear_before_reset) or Elman RNN time step on a team: split by batch rows when there are at
/// least as many rows as threads (each thread runs <see cref="RecurrentLayer.StepUnit"/> on its rows), else by hidden
/// units (each thread: its units' columns of every gate block of h(t−1)·W_hhᵀ, then their cell).
/// </summary>
internal sealed unsafe class GruRnnStepJob : ITeamJob
{
    private RecurrentLayer _layer = null!;
    private UnitWeights _unit = null!;
    private WeightPrecision _precision;
    private int _batch;
    private float* _gates;
    private float* _hPrev;
    private float* _hNext;
    private float* _hn;
    private float* _recurrent;
    private float* _hiddenNewBias;

    /// <param name="layer">The layer (its options: cell kind and sizes).</param>
    /// <param name="unit">The unit's weights.</param>
    /// <param name="precision">The precision of the W_hh product.</param>
    /// <param name="batch">B.</param>
    /// <param name="gates">(B, G·H) input projection with folded bias; out: activated gates.</param>
    /// <param name="hPrev">(B, H) h(t−1).</param>
    /// <param name="hNext">(B, H) h(t), written.</param>
    /// <param name="hn">(B, H) GRU: W_hn h + b_hn, written (the tape's); null for an RNN.</param>
    /// <param name="recurrent">(B, G·H) scratch for h(t−1)·W_hhᵀ.</param>
    /// <param name="hiddenNewBias">(H) GRU's b_hn, or null without biases.</param>
    public void Set(
        RecurrentLayer layer, UnitWeights unit, WeightPrecision precision, int batch, float* gates, float* hPrev, float* hNext, float* hn,
        float* recurrent, float* hiddenNewBias)
    {
        _layer = layer;
        _unit = unit;
        _precision = precision;
        _batch = batch;
        _gates = gates;
        _hPrev = hPrev;
        _hNext = hNext;
        _hn = hn;
        _recurrent = recurrent;
        _hiddenNewBias = hiddenNewBias;
    }

    public void Execute(int part, int parts)
    {
        RecurrentOptions o = _layer.Options;
        int hidden = o.HiddenSize;
        int gatesHidden = _layer.GateCount * hidden;
        bool gru = o.Cell == CellKind.Gru;
        if (_batch >= parts)
        {
            (int b0, int b1) = ParallelSplit.Range(_batch, part, parts, 1);
            int n = b1 - b0;
            _layer.StepUnit(
                _unit, n, new Span<float>(_gates + ((long)b0 * gatesHidden), n * gatesHidden),
                new ReadOnlySpan<float>(_hPrev + ((long)b0 * hidden), n * hidden), default,
                new Span<float>(_hNext + ((long)b0 * hidden), n * hidden), default, default, default,
                gru ? new Span<float>(_hn + ((long)b0 * hidden), n * hidden) : default,
                new Span<float>(_recurrent + ((long)b0 * gatesHidden), n * gatesHidden), default, _precision);
            return;
        }

        (int u0, int u1) = ParallelSplit.Range(hidden, part, parts, hidden >= 64 * parts ? 64 : 16);
        if (u0 == u1)
        {
            return;
        }

        int width = u1 - u0;
        int all = _batch * hidden;
        var recurrent = new Span<float>(_recurrent, _batch * gatesHidden);
        var hPrev = new ReadOnlySpan<float>(_hPrev, all);
        for (int g = 0; g < _layer.GateCount; g++)
        {
            for (int b = 0; b < _batch; b++)
            {
                recurrent.Slice((b * gatesHidden) + (g * hidden) + u0, width).Clear();
            }
        }

        _layer.AddRecurrentProductUnits(_unit, _batch, hPrev, recurrent, u0, u1, _precision);

        var gates = new Span<float>(_gates, _batch * gatesHidden);
        var hNext = new Span<float>(_hNext, all);
        if (gru)
        {
            ReadOnlySpan<float> bias = _hiddenNewBias == null ? default : new ReadOnlySpan<float>(_hiddenNewBias, hidden);
            GruCell.ForwardUnits(_batch, hidden, u0, u1, gates, recurrent, bias, new Span<float>(_hn, all), hPrev, hNext);
            return;
        }

        for (int b = 0; b < _batch; b++)
        {
            int at = (b * hidden) + u0;
            RnnCell.Forward(width, gates.Slice(at, width), recurrent.Slice(at, width), hNext.Slice(at, width), o.Cell == CellKind.RnnRelu);
        }
    }
}
