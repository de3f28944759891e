namespace FastLstm.Data;

/// <summary>What a time-series loader does with an empty value cell.</summary>
public enum MissingValuePolicy
{
    /// <summary>An empty cell is an error naming the file, the line and the column (the default).</summary>
    Error = 0,

    /// <summary>
    /// An empty cell takes the last value above it in its column; empty cells before the first value take the
    /// first value. A column with no value at all is still an error.
    /// </summary>
    ForwardFill = 1,

    /// <summary>
    /// Empty cells between two values are filled on the straight line between them (by row index, not by time
    /// stamp); empty cells before the first or after the last value take that value. A column with no value at
    /// all is still an error.
    /// </summary>
    LinearInterpolation = 2,
}
