namespace FastLstm.Cli.Tasks;

/// <summary>The column names of a CSV file's header row, to pick default columns before loading.</summary>
internal static class CsvHeader
{
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="CliException">The file is empty.</exception>
    public static string[] Read(string path, char separator = ',')
    {
        if (Directory.Exists(path))
        {
            throw CliException.BadFile($"{path} is a directory, not a CSV file.");
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no data file at {path}.", path);
        }

        using var reader = new StreamReader(path);
        string? line = reader.ReadLine();
        if (string.IsNullOrWhiteSpace(line))
        {
            throw CliException.BadFile($"{path}, line 1: the file is empty; expected a header row of column names.");
        }

        return [.. line.Split(separator).Select(c => c.Trim().Trim('"'))];
    }
}
