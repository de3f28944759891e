namespace FastLstm.Data;

/// <summary>
/// A data file that cannot be read as asked: a missing column, text in a number field, an empty cell, a ragged
/// row, too few rows for one window and the like. The message names the file, the 1-based line and the column.
/// </summary>
/// <remarks>
/// Messages read <c>air.csv, line 7, column 'passengers': 'abc' is not a number.</c> The parts are also
/// available as <see cref="FilePath"/>, <see cref="Line"/>, <see cref="Column"/> and <see cref="Problem"/>,
/// for tools that report them in their own way.
/// </remarks>
public sealed class DataFormatException : FormatException
{
    /// <summary>Creates an exception with a generic message and no position.</summary>
    public DataFormatException()
        : base("The data file is not in the expected format.")
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/> and no position.</summary>
    /// <param name="message">The whole message.</param>
    public DataFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    /// <param name="message">The whole message.</param>
    /// <param name="innerException">The cause.</param>
    public DataFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for a problem at a known place in a file.</summary>
    /// <param name="filePath">The file (or stream name) as the caller gave it.</param>
    /// <param name="line">The 1-based line of the file (the header is line 1); 0 when not tied to a line.</param>
    /// <param name="column">The column name as the header spells it, or <see langword="null"/> when no column is at fault.</param>
    /// <param name="problem">What is wrong, as a sentence.</param>
    public DataFormatException(string filePath, long line, string? column, string problem)
        : base(Compose(filePath, line, column, problem))
    {
        FilePath = filePath;
        Line = line;
        Column = column;
        Problem = problem;
    }

    /// <summary>The file (or stream name) as the caller gave it, or <see langword="null"/> when not known.</summary>
    public string? FilePath { get; }

    /// <summary>The 1-based line of the file where the problem is (the header is line 1); 0 when not tied to a line.</summary>
    /// <remarks>Counts every line, including blank lines and the lines inside quoted fields.</remarks>
    public long Line { get; }

    /// <summary>The column at fault, as the header spells it, or <see langword="null"/>.</summary>
    public string? Column { get; }

    /// <summary>What is wrong, without the position, or <see langword="null"/> when built from a whole message.</summary>
    public string? Problem { get; }

    private static string Compose(string filePath, long line, string? column, string problem)
    {
        string where = line > 0 ? $"{filePath}, line {line}" : filePath;
        return column is null ? $"{where}: {problem}" : $"{where}, column '{column}': {problem}";
    }
}
