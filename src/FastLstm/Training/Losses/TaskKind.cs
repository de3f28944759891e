namespace FastLstm.Training;

/// <summary>What a model's outputs mean; decides which metrics apply.</summary>
public enum TaskKind
{
    /// <summary>Real-valued targets: RMSE and MAE apply.</summary>
    Regression,

    /// <summary>One class out of K per row, outputs are logits: accuracy, perplexity and bits per character apply.</summary>
    MultiClass,

    /// <summary>K independent yes/no labels per row, outputs are logits: accuracy (at logit 0) applies.</summary>
    Binary,
}
