using System.Diagnostics;

namespace FastLstm.Infer.Tests;

/// <summary>
/// Publishes src/FastLstm.Infer with NativeAOT once for the test class (dotnet publish -c Release -r linux-x64) into
/// a temporary folder, and records how long that took and how large the binary is.
/// </summary>
public sealed class PublishedBinary : IDisposable
{
    // A cold publish here takes about a minute (ILCompiler restore, IL compile, native compile and link).
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(10);

    private readonly string _folder;

    public PublishedBinary()
    {
        _folder = Path.Combine(Path.GetTempPath(), "fastlstm-infer-aot-" + Guid.NewGuid().ToString("N"));
        string project = Path.Combine(RepositoryRoot(), "src", "FastLstm.Infer", "FastLstm.Infer.csproj");
        var clock = Stopwatch.StartNew();
        // A child dotnet must not inherit the test host's MSBuild settings.
        var environment = new Dictionary<string, string?>
        {
            ["MSBuildSDKsPath"] = null,
            ["MSBuildExtensionsPath"] = null,
            ["MSBUILD_EXE_PATH"] = null,
            ["MSBuildLoadMicrosoftTargetsReadOnly"] = null,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        };
        ProcessRunner.Result result = ProcessRunner.Run(
            DotnetHost(), ["publish", project, "-c", "Release", "-r", "linux-x64", "-p:PublishAot=true", "-o", _folder, "-nologo"], "", PublishTimeout, environment: environment);
        clock.Stop();
        PublishTime = clock.Elapsed;
        PublishLog = result.Stdout + result.Stderr;
        Path_ = System.IO.Path.Combine(_folder, "fastlstm-infer");
        if (result.ExitCode != 0 || !File.Exists(Path_))
        {
            throw new InvalidOperationException($"dotnet publish failed with exit code {result.ExitCode}:\n{PublishLog}");
        }

        SizeBytes = new FileInfo(Path_).Length;
    }

    /// <summary>The native binary.</summary>
    public string Path_ { get; }

    /// <summary>Its size on disk.</summary>
    public long SizeBytes { get; }

    /// <summary>How long dotnet publish took.</summary>
    public TimeSpan PublishTime { get; }

    /// <summary>dotnet publish's output (it must show no trim or AOT warning).</summary>
    public string PublishLog { get; }

    /// <summary>A folder for the tests' model files.</summary>
    public string Folder => _folder;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "FastLstm.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No FastLstm.sln above {AppContext.BaseDirectory}.");
    }
}
