namespace FastLstm.Cli.Tasks;

/// <summary>
/// The data files shipped with the tool (copied from the repository's datasets/ folder, with its README and licence
/// notes), used when a train command names no --data.
/// </summary>
internal static class ShippedData
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "datasets");

    /// <summary>Monthly airline passengers, 1949–1960 (Box &amp; Jenkins): the default forecasting data.</summary>
    public static string AirPassengers => Path.Combine(Folder, "air_passengers.csv");

    /// <summary>Pride and Prejudice: the default language-model corpus.</summary>
    public static string PrideAndPrejudice => Path.Combine(Folder, "pride_and_prejudice.txt");

    /// <summary>Primate splice-junction DNA sequences: the default classification data (columns sequence, class).</summary>
    public static string SpliceJunctions => Path.Combine(Folder, "splice_junction_dna.csv");

    /// <summary>Shows a shipped file as datasets/NAME, any other path as given.</summary>
    public static string Show(string path) =>
        Path.GetFullPath(path).StartsWith(Path.GetFullPath(Folder), StringComparison.Ordinal) ? "datasets/" + Path.GetFileName(path) : path;
}
