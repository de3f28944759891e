namespace FastLstm.Data;

/// <summary>How a <see cref="Scaler"/> maps each column: x' = (x − offset) / scale.</summary>
public enum ScalerKind
{
    /// <summary>No scaling: offset 0, scale 1.</summary>
    None = 0,

    /// <summary>Standardisation: offset = mean, scale = population standard deviation (divide by n, as scikit-learn's StandardScaler).</summary>
    ZScore = 1,

    /// <summary>Min-max: offset = minimum, scale = maximum − minimum, so the fitted data spans [0, 1].</summary>
    MinMax = 2,
}
