namespace FastLstm.Data.Tests;

/// <summary>Files of this repository, found from the test binaries (tests never read outside the repository).</summary>
internal static class RepositoryFiles
{
    /// <summary>The folder holding FastLstm.sln, found by walking up from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>A file of the repository's datasets/ folder.</summary>
    public static string Dataset(string fileName) => Path.Combine(Root, "datasets", fileName);

    private static string FindRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FastLstm.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No FastLstm.sln above {AppContext.BaseDirectory}.");
    }
}
