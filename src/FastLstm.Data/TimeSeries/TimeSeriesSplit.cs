namespace FastLstm.Data;

/// <summary>The three chronological parts of a time series (see <see cref="TimeSeries.Split"/>).</summary>
/// <param name="Train">The oldest rows, the only ones scaling is fitted on.</param>
/// <param name="Validation">The rows after those, possibly none.</param>
/// <param name="Test">The newest rows, possibly none.</param>
public sealed record TimeSeriesSplit(TimeSeries Train, TimeSeries Validation, TimeSeries Test);
