namespace FastLstm.Training;

/// <summary>
/// Keeps the best weights of a run and counts epochs without improvement (early stopping). The snapshot starts as
/// the weights training starts from, so there is always a finite set to go back to when training diverges.
/// </summary>
internal sealed class BestWeights
{
    private readonly RecurrentModel _model;
    private readonly float[] _values;
    private readonly bool _higherIsBetter;
    private readonly double _minDelta;

    public BestWeights(RecurrentModel model, Metric monitor, double minDelta)
    {
        _model = model;
        _values = new float[model.ParameterCount];
        _higherIsBetter = MetricValues.HigherIsBetter(monitor);
        _minDelta = minDelta;
        model.CopyValuesTo(_values);
        Epoch = -1;
        Value = double.NaN;
    }

    /// <summary>The epoch of the snapshot, or −1 for the starting weights.</summary>
    public int Epoch { get; private set; }

    /// <summary>The monitored value of the snapshot, NaN for the starting weights.</summary>
    public double Value { get; private set; }

    /// <summary>Epochs since the last improvement.</summary>
    public int EpochsWithoutImprovement { get; private set; }

    /// <summary>Records an epoch's monitored value; takes a snapshot and returns true when it improves on the best by more than the minimum delta.</summary>
    public bool Offer(int epoch, double value)
    {
        bool improved = Epoch < 0
            || (_higherIsBetter ? value > Value + _minDelta : value < Value - _minDelta);
        if (!improved)
        {
            EpochsWithoutImprovement++;
            return false;
        }

        _model.CopyValuesTo(_values);
        Epoch = epoch;
        Value = value;
        EpochsWithoutImprovement = 0;
        return true;
    }

    /// <summary>Puts the snapshot back into the model.</summary>
    public void Restore() => _model.CopyValuesFrom(_values);
}
