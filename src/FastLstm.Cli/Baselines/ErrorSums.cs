namespace FastLstm.Cli.Baselines;

/// <summary>Sums of squared and absolute errors, for RMSE and MAE in the data's units.</summary>
internal sealed class ErrorSums
{
    private double _squared;
    private double _absolute;

    public long Count { get; private set; }

    public double Rmse => Count == 0 ? double.NaN : Math.Sqrt(_squared / Count);

    public double Mae => Count == 0 ? double.NaN : _absolute / Count;

    public void Add(double prediction, double actual)
    {
        double error = prediction - actual;
        _squared += error * error;
        _absolute += Math.Abs(error);
        Count++;
    }
}
