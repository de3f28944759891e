namespace FastLstm.Training;

/// <summary>The metrics of one pass over a dataset; a metric that does not apply to the task is NaN.</summary>
public readonly record struct MetricValues
{
    /// <summary>No values (every metric NaN): what a missing validation set reports.</summary>
    public static MetricValues None { get; } = new()
    {
        Loss = double.NaN,
        Accuracy = double.NaN,
        Rmse = double.NaN,
        Mae = double.NaN,
        Perplexity = double.NaN,
        BitsPerCharacter = double.NaN,
    };

    /// <summary>Mean loss over all valid terms.</summary>
    public double Loss { get; init; }

    /// <summary>Classification accuracy in [0, 1], or NaN for regression.</summary>
    public double Accuracy { get; init; }

    /// <summary>Root mean squared error, or NaN for classification.</summary>
    public double Rmse { get; init; }

    /// <summary>Mean absolute error, or NaN for classification.</summary>
    public double Mae { get; init; }

    /// <summary>exp(mean cross-entropy) for softmax cross-entropy, else NaN.</summary>
    public double Perplexity { get; init; }

    /// <summary>Mean cross-entropy / ln 2 for softmax cross-entropy, else NaN.</summary>
    public double BitsPerCharacter { get; init; }

    /// <summary>Whether any data was measured (the loss is a number).</summary>
    public bool HasValues => !double.IsNaN(Loss);

    /// <summary>The value of <paramref name="metric"/>.</summary>
    public double Get(Metric metric) => metric switch
    {
        Metric.Loss => Loss,
        Metric.Accuracy => Accuracy,
        Metric.Rmse => Rmse,
        Metric.Mae => Mae,
        Metric.Perplexity => Perplexity,
        Metric.BitsPerCharacter => BitsPerCharacter,
        _ => double.NaN,
    };

    /// <summary>Whether larger values of <paramref name="metric"/> are better (only accuracy).</summary>
    public static bool HigherIsBetter(Metric metric) => metric == Metric.Accuracy;

    /// <summary>The metric's name for messages, e.g. "RMSE" or "bits per character".</summary>
    public static string Describe(Metric metric) => metric switch
    {
        Metric.Loss => "loss",
        Metric.Accuracy => "accuracy",
        Metric.Rmse => "RMSE",
        Metric.Mae => "MAE",
        Metric.Perplexity => "perplexity",
        Metric.BitsPerCharacter => "bits per character",
        _ => metric.ToString(),
    };

    /// <summary>Whether <paramref name="metric"/> is measured for a loss of kind <paramref name="kind"/>.</summary>
    public static bool AppliesTo(Metric metric, TaskKind kind) => metric switch
    {
        Metric.Loss => true,
        Metric.Accuracy => kind != TaskKind.Regression,
        Metric.Rmse or Metric.Mae => kind == TaskKind.Regression,
        _ => kind == TaskKind.MultiClass,
    };
}
