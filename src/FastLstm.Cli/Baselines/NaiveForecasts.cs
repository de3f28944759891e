namespace FastLstm.Cli.Baselines;

/// <summary>
/// The two forecasts every model should beat, made from the same origins as the model's: the last value (a random
/// walk's forecast) and the seasonal naive forecast (the value one season earlier), as in Hyndman &amp; Athanasopoulos,
/// Forecasting: Principles and Practice, §5.2.
/// </summary>
internal static class NaiveForecasts
{
    /// <summary>The last value known at origin t (row t − 1), for any step ahead.</summary>
    public static double LastValue(Func<int, double> actual, int origin) => actual(origin - 1);

    /// <summary>
    /// The value of the same season in the last season observed before origin t: for row u = t + k (k steps past the
    /// origin), y(u − m·⌈(k + 1)/m⌉). With season m = 1 this is the last value.
    /// </summary>
    public static double SeasonalNaive(Func<int, double> actual, int origin, int step, int season)
    {
        int m = Math.Max(1, season);
        int seasonsBack = (step / m) + 1;
        return actual(origin + step - (m * seasonsBack));
    }
}
