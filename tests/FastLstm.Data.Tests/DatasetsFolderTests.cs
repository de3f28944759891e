using System.Security.Cryptography;

namespace FastLstm.Data.Tests;

/// <summary>The repository's datasets/ folder: every file is described, licensed and unchanged.</summary>
public sealed class DatasetsFolderTests
{
    private static readonly string Folder = Path.Combine(RepositoryFiles.Root, "datasets");

    private static IEnumerable<string> DataFiles() =>
        Directory.EnumerateFiles(Folder)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => name is not "README.md" and not "SHA256SUMS" && !name.StartsWith('.'));

    private static Dictionary<string, string> Checksums() =>
        File.ReadAllLines(Path.Combine(Folder, "SHA256SUMS"))
            .Where(line => line.Length > 0)
            .Select(line => line.Split("  ", 2))
            .ToDictionary(parts => parts[1], parts => parts[0], StringComparer.Ordinal);

    [Fact]
    public void EveryDataFile_MatchesItsChecksum()
    {
        Dictionary<string, string> sums = Checksums();

        foreach (string name in DataFiles())
        {
            Assert.True(sums.ContainsKey(name), $"{name} is not in datasets/SHA256SUMS.");
            string actual = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(Folder, name))));
            Assert.True(sums[name] == actual, $"{name} differs from the copy its checksum describes (line endings changed by git?).");
        }

        Assert.Equal(sums.Keys.Order(StringComparer.Ordinal), DataFiles().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EveryDataFile_IsDescribedInTheReadme()
    {
        string readme = File.ReadAllText(Path.Combine(Folder, "README.md"));

        Assert.All(DataFiles(), name => Assert.Contains($"`{name}`", readme, StringComparison.Ordinal));
        Assert.Contains("NOTICE", readme, StringComparison.Ordinal);
    }

    [Fact]
    public void Folder_StaysSmall()
    {
        long bytes = Directory.EnumerateFiles(Folder).Sum(path => new FileInfo(path).Length);

        Assert.True(bytes < 4_000_000, $"datasets/ holds {bytes:N0} bytes; keep it to a few MB.");
    }
}
