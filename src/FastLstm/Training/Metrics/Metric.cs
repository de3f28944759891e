namespace FastLstm.Training;

/// <summary>A metric the trainer reports and can monitor for early stopping and best weights.</summary>
public enum Metric
{
    /// <summary>The mean loss (lower is better).</summary>
    Loss,

    /// <summary>Fraction of correct classes (multi-class: arg-max; binary: logit &gt; 0) (higher is better).</summary>
    Accuracy,

    /// <summary>Root mean squared error of regression outputs (lower is better).</summary>
    Rmse,

    /// <summary>Mean absolute error of regression outputs (lower is better).</summary>
    Mae,

    /// <summary>exp(mean cross-entropy) (lower is better).</summary>
    Perplexity,

    /// <summary>Mean cross-entropy in bits, mean / ln 2 (lower is better).</summary>
    BitsPerCharacter,
}
