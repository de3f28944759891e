namespace FastLstm.Data;

/// <summary>The part of a data set a row, case or window belongs to.</summary>
public enum DataSplit
{
    /// <summary>Not assigned: the file has no split column.</summary>
    None = 0,

    /// <summary>The training part: the only part scaling statistics are fitted on.</summary>
    Train = 1,

    /// <summary>The validation part (early stopping, model selection).</summary>
    Validation = 2,

    /// <summary>The test part (the final, held-out score).</summary>
    Test = 3,
}
