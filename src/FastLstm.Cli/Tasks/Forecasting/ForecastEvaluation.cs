using FastLstm.Cli.Baselines;
using FastLstm.Training;

namespace FastLstm.Cli.Tasks.Forecasting;

/// <summary>The model's and the baselines' forecasts from a set of origins, in the data's units, with their errors.</summary>
internal sealed class ForecastEvaluation
{
    public required int[] Origins { get; init; }

    /// <summary>(origins, horizon, K) model forecasts.</summary>
    public required double[] Model { get; init; }

    /// <summary>(origins, horizon, K) last-value forecasts.</summary>
    public required double[] LastValue { get; init; }

    /// <summary>(origins, horizon, K) seasonal naive forecasts.</summary>
    public required double[] SeasonalNaive { get; init; }

    public required ErrorSums ModelErrors { get; init; }

    public required ErrorSums LastValueErrors { get; init; }

    public required ErrorSums SeasonalNaiveErrors { get; init; }

    /// <summary>Runs the model from every origin and scores it and both baselines against the actual values.</summary>
    public static ForecastEvaluation Run(RecurrentModel model, ForecastProblem problem, int[] origins)
    {
        int horizon = problem.Spec.Horizon;
        int k = problem.TargetIndices.Length;
        double[] forecasts = Predict(model, problem, origins);
        var last = new double[forecasts.Length];
        var seasonal = new double[forecasts.Length];
        var modelErrors = new ErrorSums();
        var lastErrors = new ErrorSums();
        var seasonalErrors = new ErrorSums();
        for (int n = 0; n < origins.Length; n++)
        {
            int t = origins[n];
            for (int h = 0; h < horizon; h++)
            {
                for (int j = 0; j < k; j++)
                {
                    int i = (((n * horizon) + h) * k) + j;
                    int column = j;
                    double Actual(int row) => problem.Actual(row, column);
                    last[i] = NaiveForecasts.LastValue(Actual, t);
                    seasonal[i] = NaiveForecasts.SeasonalNaive(Actual, t, h, problem.Season);
                    double actual = problem.Actual(t + h, j);
                    modelErrors.Add(forecasts[i], actual);
                    lastErrors.Add(last[i], actual);
                    seasonalErrors.Add(seasonal[i], actual);
                }
            }
        }

        return new ForecastEvaluation
        {
            Origins = origins,
            Model = forecasts,
            LastValue = last,
            SeasonalNaive = seasonal,
            ModelErrors = modelErrors,
            LastValueErrors = lastErrors,
            SeasonalNaiveErrors = seasonalErrors,
        };
    }

    /// <summary>
    /// The model's forecasts (origins, horizon, K) in the data's units: one batched forward pass over the windows, then
    /// the scaling and the transform undone, step by step (a lagged value inside the horizon is the forecast of it).
    /// </summary>
    public static double[] Predict(RecurrentModel model, ForecastProblem problem, int[] origins)
    {
        int horizon = problem.Spec.Horizon;
        int k = problem.TargetIndices.Length;
        var result = new double[origins.Length * horizon * k];
        if (origins.Length == 0)
        {
            return result;
        }

        float[] scaled = PredictScaled(model, problem, origins);
        for (int n = 0; n < origins.Length; n++)
        {
            Span<float> block = scaled.AsSpan(n * horizon * k, horizon * k);
            problem.Scaler.InverseTransform(block, problem.TargetIndices);
            Undo(problem, origins[n], block, result.AsSpan(n * horizon * k, horizon * k));
        }

        return result;
    }

    /// <summary>Undoes the transform of one origin's (horizon, K) z values into y values.</summary>
    public static void Undo(ForecastProblem problem, int origin, ReadOnlySpan<float> z, Span<double> y)
    {
        int k = problem.TargetIndices.Length;
        int lag = problem.Transform.Lag;
        int steps = z.Length / k;
        for (int h = 0; h < steps; h++)
        {
            for (int j = 0; j < k; j++)
            {
                int row = origin + h - lag;
                double earlier = lag == 0 ? 0.0 : row < origin ? problem.Actual(row, j) : y[((row - origin) * k) + j];
                y[(h * k) + j] = problem.Transform.Inverse(z[(h * k) + j], earlier);
            }
        }
    }

    /// <summary>Raw model outputs (origins, horizon·K), in scaled z units.</summary>
    public static float[] PredictScaled(RecurrentModel model, ForecastProblem problem, int[] origins)
    {
        SequenceDataset windows = problem.Windows(origins);
        int lookback = problem.Spec.Lookback;
        int features = problem.Features;
        int batch = origins.Length;
        var input = new float[lookback * batch * features];
        ReadOnlySpan<float> source = windows.Inputs;
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < lookback; t++)
            {
                source.Slice(((b * lookback) + t) * features, features).CopyTo(input.AsSpan(((t * batch) + b) * features, features));
            }
        }

        ModelWorkspace workspace = model.CreateWorkspace();
        model.Forward(workspace, input, lookback, batch);
        return workspace.Output.ToArray();
    }
}
