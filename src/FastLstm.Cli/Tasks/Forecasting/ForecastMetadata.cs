using System.Globalization;
using FastLstm.Cli.Storage;
using FastLstm.Data;

namespace FastLstm.Cli.Tasks.Forecasting;

/// <summary>How a forecaster's <see cref="ForecastSpec"/> and scaler are kept in a model file, and read back.</summary>
internal static class ForecastMetadata
{
    public const string Task = "forecast";

    public static void Write(ForecastProblem problem, IDictionary<string, string> metadata, IDictionary<string, double[]> statistics)
    {
        ForecastSpec spec = problem.Spec;
        metadata["task"] = Task;
        metadata["data"] = spec.DataPath;
        if (spec.TimeColumn is not null)
        {
            metadata["time_column"] = spec.TimeColumn;
        }

        metadata["value_columns"] = MetadataLists.Encode(spec.Columns);
        metadata["target_columns"] = MetadataLists.Encode(spec.Targets);
        metadata["lookback"] = spec.Lookback.ToString(CultureInfo.InvariantCulture);
        metadata["horizon"] = spec.Horizon.ToString(CultureInfo.InvariantCulture);
        metadata["transform"] = problem.Transform.Code(problem.Season);
        metadata["season"] = problem.Season.ToString(CultureInfo.InvariantCulture);
        metadata["split"] = string.Create(CultureInfo.InvariantCulture, $"{spec.Split.Train},{spec.Split.Validation},{spec.Split.Test}");
        metadata["missing_values"] = spec.Missing.ToString();
        metadata["scaler"] = problem.Scaler.Kind.ToString();
        statistics["scaler.offsets"] = [.. problem.Scaler.State.Offsets];
        statistics["scaler.scales"] = [.. problem.Scaler.State.Scales];
    }

    /// <summary>The spec stored in <paramref name="saved"/>, reading <paramref name="dataPath"/> instead of the stored file when given.</summary>
    public static ForecastSpec ReadSpec(SavedModel saved, string? dataPath)
    {
        double[] split = [.. saved.Require("split").Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture))];
        return new ForecastSpec
        {
            DataPath = dataPath ?? saved.Require("data"),
            TimeColumn = saved.Get("time_column"),
            Columns = MetadataLists.Decode(saved.Require("value_columns")),
            Targets = MetadataLists.Decode(saved.Require("target_columns")),
            Lookback = saved.RequireInt("lookback"),
            Horizon = saved.RequireInt("horizon"),
            Transform = saved.Require("transform"),
            Season = saved.RequireInt("season"),
            Split = new SplitFractions(split[0], split[1], split[2]),
            Missing = Enum.TryParse(saved.Get("missing_values"), out MissingValuePolicy missing) ? missing : MissingValuePolicy.Error,
        };
    }

    public static ScalerState ReadScaler(SavedModel saved, ForecastSpec spec) =>
        new(Enum.TryParse(saved.Get("scaler"), out ScalerKind kind) ? kind : ScalerKind.ZScore, spec.Columns, saved.RequireStatistics("scaler.offsets"), saved.RequireStatistics("scaler.scales"));

    /// <summary>Loads the series for a stored forecaster, with its stored scaler, checking the model fits.</summary>
    public static ForecastProblem Load(SavedModel saved, string? dataPath)
    {
        ForecastSpec spec = ReadSpec(saved, dataPath);
        ForecastProblem problem = ForecastProblem.Load(spec, ReadScaler(saved, spec));
        if (saved.Model.InputSize != problem.Features || saved.Model.OutputSize != spec.Horizon * spec.Targets.Count)
        {
            throw new InvalidDataException($"the model reads {saved.Model.InputSize} columns and writes {saved.Model.OutputSize} values, which does not fit its metadata ({problem.Features} columns, horizon {spec.Horizon} × {spec.Targets.Count} targets).");
        }

        return problem;
    }
}
