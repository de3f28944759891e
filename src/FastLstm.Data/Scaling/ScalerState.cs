using System.Globalization;

namespace FastLstm.Data;

/// <summary>
/// The fitted statistics of a <see cref="Scaler"/> as plain numbers, for storing with a model so that forecasts
/// come back in the original units: x' = (x − Offsets[c]) / Scales[c] for column c.
/// </summary>
/// <remarks>Immutable (the constructor copies its arrays); safe to share between threads.</remarks>
public sealed class ScalerState
{
    private readonly string[] _columnNames;
    private readonly double[] _offsets;
    private readonly double[] _scales;

    /// <summary>Creates a state from stored numbers.</summary>
    /// <param name="kind">How the statistics were fitted (recorded, not re-checked against the numbers).</param>
    /// <param name="columnNames">One name per column.</param>
    /// <param name="offsets">One finite offset per column.</param>
    /// <param name="scales">One finite, non-zero scale per column.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The lengths differ, there are no columns, a name is null, or a number is not finite (or a scale is 0).</exception>
    public ScalerState(ScalerKind kind, IReadOnlyList<string> columnNames, IReadOnlyList<double> offsets, IReadOnlyList<double> scales)
    {
        ArgumentNullException.ThrowIfNull(columnNames);
        ArgumentNullException.ThrowIfNull(offsets);
        ArgumentNullException.ThrowIfNull(scales);
        if (!Enum.IsDefined(kind))
        {
            ThrowHelper.ThrowOutOfRange(nameof(kind), kind, "a defined ScalerKind");
        }

        if (columnNames.Count == 0)
        {
            ThrowHelper.ThrowArgument(nameof(columnNames), "Expected at least one column; got 0.");
        }

        if (offsets.Count != columnNames.Count)
        {
            ThrowHelper.ThrowArgument(nameof(offsets), $"Expected one offset per column ({columnNames.Count}); got {offsets.Count}.");
        }

        if (scales.Count != columnNames.Count)
        {
            ThrowHelper.ThrowArgument(nameof(scales), $"Expected one scale per column ({columnNames.Count}); got {scales.Count}.");
        }

        _columnNames = new string[columnNames.Count];
        _offsets = new double[columnNames.Count];
        _scales = new double[columnNames.Count];
        for (int c = 0; c < _columnNames.Length; c++)
        {
            _columnNames[c] = columnNames[c] ?? throw new ArgumentException($"Expected a name for every column; column {c} is null.", nameof(columnNames));
            _offsets[c] = offsets[c];
            _scales[c] = scales[c];
            if (!double.IsFinite(_offsets[c]))
            {
                ThrowHelper.ThrowArgument(nameof(offsets), $"Expected a finite offset for column '{_columnNames[c]}'; got {_offsets[c].ToString(CultureInfo.InvariantCulture)}.");
            }

            if (!double.IsFinite(_scales[c]) || _scales[c] == 0.0)
            {
                ThrowHelper.ThrowArgument(nameof(scales), $"Expected a finite, non-zero scale for column '{_columnNames[c]}'; got {_scales[c].ToString(CultureInfo.InvariantCulture)}.");
            }
        }

        Kind = kind;
    }

    /// <summary>How the statistics were fitted.</summary>
    public ScalerKind Kind { get; }

    /// <summary>The column names, in column order.</summary>
    public IReadOnlyList<string> ColumnNames => _columnNames;

    /// <summary>The offset of each column (mean, minimum, or 0).</summary>
    public IReadOnlyList<double> Offsets => _offsets;

    /// <summary>The scale of each column (standard deviation, range, or 1); never 0.</summary>
    public IReadOnlyList<double> Scales => _scales;

    internal double[] OffsetArray => _offsets;

    internal double[] ScaleArray => _scales;
}
