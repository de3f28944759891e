namespace FastLstm.Training;

/// <summary>Sums over batches what the metrics need, in double and in batch order (deterministic). Allocation-free.</summary>
internal sealed class MetricAccumulator
{
    private readonly TaskKind _kind;
    private double _lossSum;
    private long _lossCount;
    private long _correct;
    private long _judged;
    private double _squaredError;
    private double _absoluteError;
    private long _elements;

    public MetricAccumulator(TaskKind kind) => _kind = kind;

    public void Reset()
    {
        _lossSum = 0;
        _lossCount = 0;
        _correct = 0;
        _judged = 0;
        _squaredError = 0;
        _absoluteError = 0;
        _elements = 0;
    }

    /// <summary>Adds one batch: its loss sum and the per-row quality of outputs (N, K) against targets.</summary>
    public void Add(LossSum loss, ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int width, ReadOnlySpan<bool> rowMask)
    {
        _lossSum += loss.Sum;
        _lossCount += loss.Count;
        int rows = outputs.Length / width;
        int targetWidth = _kind == TaskKind.MultiClass ? 1 : width;
        for (int row = 0; row < rows; row++)
        {
            if (!rowMask.IsEmpty && !rowMask[row])
            {
                continue;
            }

            ReadOnlySpan<float> output = outputs.Slice(row * width, width);
            ReadOnlySpan<float> target = targets.Slice(row * targetWidth, targetWidth);
            switch (_kind)
            {
                case TaskKind.MultiClass:
                    _correct += ArgMax(output) == (int)target[0] ? 1 : 0;
                    _judged++;
                    break;
                case TaskKind.Binary:
                    for (int k = 0; k < width; k++)
                    {
                        _correct += (output[k] > 0f) == (target[k] >= 0.5f) ? 1 : 0;
                    }

                    _judged += width;
                    break;
                default:
                    for (int k = 0; k < width; k++)
                    {
                        double difference = output[k] - target[k];
                        _squaredError += difference * difference;
                        _absoluteError += Math.Abs(difference);
                    }

                    _elements += width;
                    break;
            }
        }
    }

    public MetricValues Result()
    {
        if (_lossCount == 0)
        {
            return MetricValues.None;
        }

        double loss = _lossSum / _lossCount;
        bool crossEntropy = _kind == TaskKind.MultiClass;
        bool regression = _kind == TaskKind.Regression;
        return new MetricValues
        {
            Loss = loss,
            Accuracy = regression || _judged == 0 ? double.NaN : (double)_correct / _judged,
            Rmse = regression && _elements > 0 ? Math.Sqrt(_squaredError / _elements) : double.NaN,
            Mae = regression && _elements > 0 ? _absoluteError / _elements : double.NaN,
            Perplexity = crossEntropy ? Math.Exp(loss) : double.NaN,
            BitsPerCharacter = crossEntropy ? loss / Math.Log(2) : double.NaN,
        };
    }

    /// <summary>Index of the largest value; the first on ties; NaN never wins.</summary>
    internal static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int k = 1; k < values.Length; k++)
        {
            if (values[k] > values[best])
            {
                best = k;
            }
        }

        return best;
    }
}
