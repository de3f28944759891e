using FastLstm.Data;

namespace FastLstm.Cli.Tasks.Forecasting;

/// <summary>How a series is read and turned into windows: what 'fastlstm train --task forecast' was told, and what its model file keeps.</summary>
internal sealed record ForecastSpec
{
    /// <summary>The CSV file.</summary>
    public required string DataPath { get; init; }

    /// <summary>The time column, or null for none.</summary>
    public string? TimeColumn { get; init; }

    /// <summary>The value columns the network reads, in order.</summary>
    public required IReadOnlyList<string> Columns { get; init; }

    /// <summary>The columns it forecasts (a subset of <see cref="Columns"/>).</summary>
    public required IReadOnlyList<string> Targets { get; init; }

    /// <summary>Rows the network reads per forecast.</summary>
    public int Lookback { get; init; } = 24;

    /// <summary>Rows forecast at once.</summary>
    public int Horizon { get; init; } = 1;

    /// <summary>The chronological split.</summary>
    public SplitFractions Split { get; init; } = SplitFractions.Default;

    /// <summary>The --transform code ("auto" before resolution).</summary>
    public string Transform { get; init; } = "auto";

    /// <summary>The season, or 0 to guess it from the time labels.</summary>
    public int Season { get; init; }

    /// <summary>How z is scaled (fitted on the training rows only).</summary>
    public ScalerKind Scaling { get; init; } = ScalerKind.ZScore;

    /// <summary>What to do with empty cells.</summary>
    public MissingValuePolicy Missing { get; init; } = MissingValuePolicy.Error;
}
