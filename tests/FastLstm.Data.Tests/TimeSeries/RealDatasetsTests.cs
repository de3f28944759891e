namespace FastLstm.Data.Tests;

/// <summary>Every time series shipped in datasets/ loads with its documented shape.</summary>
public sealed class RealDatasetsTests
{
    [Theory]
    [InlineData("air_passengers.csv", "month", 144, "passengers_thousands")]
    [InlineData("sunspots_monthly.csv", "month", 3177, "sunspot_number")]
    [InlineData("sunspots_monthly_1749_1983.csv", "month", 2820, "sunspot_number")]
    [InlineData("sunspots_yearly.csv", "year", 289, "sunspot_number")]
    [InlineData("nile.csv", "year", 100, "flow_1e8_m3")]
    [InlineData("lynx.csv", "year", 114, "lynx_trappings")]
    [InlineData("nottingham_temp.csv", "month", 240, "temp_f")]
    [InlineData("co2_mauna_loa.csv", "month", 468, "co2_ppm")]
    [InlineData("uk_driver_deaths.csv", "month", 192, "drivers_killed_or_seriously_injured")]
    [InlineData("lake_huron.csv", "year", 98, "level_ft")]
    [InlineData("us_accidental_deaths.csv", "month", 72, "accidental_deaths")]
    [InlineData("johnson_johnson_eps.csv", "quarter", 84, "eps_usd")]
    [InlineData("www_usage.csv", "minute", 100, "users")]
    [InlineData("treering.csv", "year", 7980, "ring_width_index")]
    [InlineData("australia_gas.csv", "month", 476, "gas_production")]
    [InlineData("australia_wine_sales.csv", "month", 176, "wine_sales_litres")]
    [InlineData("taylor_electricity_halfhourly.csv", "timestamp", 4032, "demand_mw")]
    [InlineData("uk_lung_deaths.csv", "month", 72, "deaths_total", "deaths_male", "deaths_female")]
    [InlineData("uk_seatbelts.csv", "month", 192, "drivers_killed", "drivers", "front", "rear", "kms", "petrol_price", "van_killed", "law")]
    [InlineData("eu_stock_markets.csv", "day", 1860, "DAX", "SMI", "CAC", "FTSE")]
    [InlineData("bj_sales.csv", "t", 150, "sales", "leading_indicator")]
    public void Load_CompleteSeries_HasTheDocumentedRowsAndIncreasingTime(string file, string timeColumn, int rows, params string[] columns)
    {
        TimeSeries series = TimeSeriesCsv.Load(RepositoryFiles.Dataset(file), new TimeSeriesCsvOptions(columns) { TimeColumn = timeColumn });

        Assert.Equal(rows, series.Length);
        Assert.Equal(columns.Length, series.Features);
    }

    [Theory]
    [InlineData("ny_airquality_1973_daily.csv", "date", 153, "ozone_ppb", "solar_r_langley", "wind_mph", "temp_f")]
    [InlineData("la_ozone_1976_daily.csv", "date", 366, "ozone_max_1h", "temp_f_sandburg", "temp_f_el_monte", "humidity_pct_lax")]
    [InlineData("gold_daily.csv", "day", 1108, "price_usd")]
    public void Load_SeriesWithGaps_LoadsOnlyWithAFillPolicy(string file, string timeColumn, int rows, params string[] columns)
    {
        string path = RepositoryFiles.Dataset(file);

        Assert.Throws<DataFormatException>(() => TimeSeriesCsv.Load(path, new TimeSeriesCsvOptions(columns) { TimeColumn = timeColumn }));
        TimeSeries series = TimeSeriesCsv.Load(path, new TimeSeriesCsvOptions(columns) { TimeColumn = timeColumn, MissingValues = MissingValuePolicy.LinearInterpolation });

        Assert.Equal(rows, series.Length);
        Assert.All(series.Values, v => Assert.True(float.IsFinite(v)));
    }
}
