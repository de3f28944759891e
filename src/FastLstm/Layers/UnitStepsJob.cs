using FastLstm.Kernels;

namespace FastLstm;

/// <summary>
/// Every time step of one unit split by hidden units, as one gang run (<see cref="WorkerTeam.RunGang"/>): each thread
/// runs its units of step t (a <see cref="StepJob"/> or <see cref="GruRnnStepJob"/> of its own, so no thread rewrites
/// another's step) and meets the others at a barrier before step t + 1, which reads all of h(t). Each part computes what
/// it computes in the one-run-per-step way, so the results are bit-identical to it and to one thread.
/// </summary>
internal sealed unsafe class UnitStepsJob : ITeamJob
{
    private StepJob[] _lstmSteps = [];
    private GruRnnStepJob[] _cellSteps = [];

    /// <param name="threads">The team size it will run on: each thread gets step jobs of its own, made here so that
    /// the first gang run allocates nothing.</param>
    public UnitStepsJob(int threads) => Grow(threads);
    private WorkerTeam _team = null!;
    private RecurrentLayer _layer = null!;
    private UnitWeights _unit = null!;
    private WeightPrecision _precision;
    private int _steps;
    private int _batch;
    private float* _gates;
    private float* _hidden;
    private float* _cell;
    private float* _tanhCell;
    private float* _peephole;
    private float* _hn;
    private float* _recurrent;
    private float* _hiddenNewBias;

    /// <summary>Sets the unit's pointers as <see cref="RecurrentLayer"/>'s one-run-per-step loop uses them: the tape's
    /// gates, h and c slots, tanh(c) and (GRU) W_hn·h + b_hn, the scratch for the recurrent product and b_hn.</summary>
    public void Set(
        WorkerTeam team, RecurrentLayer layer, UnitWeights unit, WeightPrecision precision, int steps, int batch, float* gates,
        float* hidden, float* cell, float* tanhCell, float* peephole, float* hn, float* recurrent, float* hiddenNewBias)
    {
        Grow(team.Size); // a workspace whose team grew since

        _team = team;
        _layer = layer;
        _unit = unit;
        _precision = precision;
        _steps = steps;
        _batch = batch;
        _gates = gates;
        _hidden = hidden;
        _cell = cell;
        _tanhCell = tanhCell;
        _peephole = peephole;
        _hn = hn;
        _recurrent = recurrent;
        _hiddenNewBias = hiddenNewBias;
    }

    private void Grow(int threads)
    {
        if (_lstmSteps.Length >= threads)
        {
            return;
        }

        _lstmSteps = new StepJob[threads];
        _cellSteps = new GruRnnStepJob[threads];
        for (int i = 0; i < threads; i++)
        {
            _lstmSteps[i] = new StepJob();
            _cellSteps[i] = new GruRnnStepJob();
        }
    }

    public void Execute(int part, int parts)
    {
        RecurrentOptions o = _layer.Options;
        int hidden = o.HiddenSize;
        int gatesHidden = _layer.GateCount * hidden;
        int hiddenSlot = _batch * hidden;
        bool lstm = o.Cell == CellKind.Lstm;
        StepJob lstmStep = _lstmSteps[part];
        GruRnnStepJob cellStep = _cellSteps[part];
        for (int s = 0; s < _steps; s++)
        {
            int t = _unit.Reverse ? _steps - 1 - s : s;
            int prev = _unit.Reverse ? t + 1 : t;
            int next = _unit.Reverse ? t : t + 1;
            float* gates = _gates + ((long)t * _batch * gatesHidden);
            if (lstm)
            {
                lstmStep.Set(
                    _layer, _unit, _precision, _batch, hidden, gates, _hidden + ((long)prev * hiddenSlot), _cell + ((long)prev * hiddenSlot),
                    _hidden + ((long)next * hiddenSlot), _cell + ((long)next * hiddenSlot), _tanhCell + ((long)t * hiddenSlot), _peephole);
                lstmStep.Execute(part, parts);
            }
            else
            {
                cellStep.Set(
                    _layer, _unit, _precision, _batch, gates, _hidden + ((long)prev * hiddenSlot), _hidden + ((long)next * hiddenSlot),
                    _hn == null ? null : _hn + ((long)t * hiddenSlot), _recurrent, _hiddenNewBias);
                cellStep.Execute(part, parts);
            }

            _team.Barrier(part);
        }
    }
}
