using FastLstm.Kernels;

namespace FastLstm;

/// <summary>
/// Every time step of one unit split by hidden units, as one gang run (<see cref="WorkerTeam.RunGang"/>): each thread
/// runs its units of step t (a <see cref="StepJob"/> or <see cref="GruRnnStepJob"/> of its own, so no thread rewrites
/// another's step) and meets the others at a barrier before step t + 1, which reads all of h(t). Where a gang cannot run,
/// <see cref="RunStep"/> runs the same steps one fork and join each. A part computes the same either way, so the results
/// are bit-identical to each other and to one thread.
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
        for (int s = 0; s < _steps; s++)
        {
            PrepareStep(s, part, out _).Execute(part, parts);
            _team.Barrier(part);
        }
    }

    /// <summary>The fallback when a gang is not possible: step <paramref name="s"/> (of the steps in processing order)
    /// alone, as one fork and join on the team. Returns its time index t.</summary>
    public int RunStep(int s)
    {
        _team.Run(PrepareStep(s, 0, out int t));
        return t;
    }

    /// <summary>Part <paramref name="part"/>'s step job set to step <paramref name="s"/>: what every thread of a step
    /// computes is set up here, once for both ways of running the steps.</summary>
    private ITeamJob PrepareStep(int s, int part, out int t)
    {
        RecurrentOptions o = _layer.Options;
        int hidden = o.HiddenSize;
        int gatesHidden = _layer.GateCount * hidden;
        int hiddenSlot = _batch * hidden;
        t = _unit.Reverse ? _steps - 1 - s : s;
        int prev = _unit.Reverse ? t + 1 : t;
        int next = _unit.Reverse ? t : t + 1;
        float* gates = _gates + ((long)t * _batch * gatesHidden);
        if (o.Cell == CellKind.Lstm)
        {
            StepJob lstmStep = _lstmSteps[part];
            lstmStep.Set(
                _layer, _unit, _precision, _batch, hidden, gates, _hidden + ((long)prev * hiddenSlot), _cell + ((long)prev * hiddenSlot),
                _hidden + ((long)next * hiddenSlot), _cell + ((long)next * hiddenSlot), _tanhCell + ((long)t * hiddenSlot), _peephole);
            return lstmStep;
        }

        GruRnnStepJob cellStep = _cellSteps[part];
        cellStep.Set(
            _layer, _unit, _precision, _batch, gates, _hidden + ((long)prev * hiddenSlot), _hidden + ((long)next * hiddenSlot),
            _hn == null ? null : _hn + ((long)t * hiddenSlot), _recurrent, _hiddenNewBias);
        return cellStep;
    }
}
