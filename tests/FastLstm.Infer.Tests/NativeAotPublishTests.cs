using System.Diagnostics;
using FastLstm.Training;
using Xunit;
using Xunit.Abstractions;

namespace FastLstm.Infer.Tests;

/// <summary>
/// fastlstm-infer published with NativeAOT: it builds without trim/AOT warnings, stays small, starts fast, and prints
/// what the managed engine computes.
/// </summary>
public sealed class NativeAotPublishTests(PublishedBinary binary, ITestOutputHelper log) : IClassFixture<PublishedBinary>
{
    // The AOT binary is compiled for the portable x86-64-v2 baseline, so its kernels take the Vector128 path, while
    // this JIT-compiled test host takes the widest one the machine has (Vector256/512): the same formulas summed in
    // another order. Their float32 results then differ by a few units in the last place per operation, which over
    // tens of recurrent steps stays well below this bound (relative to the value, plus an absolute floor near 0).
    private const float RelativeTolerance = 1e-4f;
    private const float AbsoluteTolerance = 1e-5f;

    // The binary must stay an edge-sized download: 1.8 MiB at the time of writing; libtorch needs 475 MB.
    private const long MaxBinaryBytes = 4 * 1024 * 1024;

    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(1);

    [Fact]
    public void Publish_HasNoTrimOrAotWarnings_AndTheBinaryIsSmall()
    {
        log.WriteLine($"dotnet publish -r linux-x64 (NativeAOT): {binary.PublishTime.TotalSeconds:F1} s; fastlstm-infer: {binary.SizeBytes} bytes");
        Assert.DoesNotContain("warning IL", binary.PublishLog);
        Assert.True(binary.SizeBytes < MaxBinaryBytes, $"fastlstm-infer is {binary.SizeBytes} bytes; the limit is {MaxBinaryBytes}.");
    }

    [Fact]
    public void Stream_MatchesTheManagedEngine()
    {
        RecurrentModel model = InferTestData.Forecaster();
        float[][][] segments = [InferTestData.Rows(model, 60, 11), InferTestData.Rows(model, 5, 12)];
        ProcessRunner.Result result = Run(model, "forecaster.flm", "--stream", InferTestData.Csv(model, segments));
        AssertClose(InferTestData.ExpectedStream(model, segments), result);
    }

    [Fact]
    public void Sequence_MatchesTheManagedEngine_ForBidirectionalAndEveryStepModels()
    {
        RecurrentModel bidirectional = InferTestData.Bidirectional();
        float[][][] segments = [InferTestData.Rows(bidirectional, 20, 13), InferTestData.Rows(bidirectional, 3, 14)];
        AssertClose(InferTestData.ExpectedSequences(bidirectional, segments), Run(bidirectional, "bi.flm", "--sequence", InferTestData.Csv(bidirectional, segments)));

        RecurrentModel tagger = InferTestData.Tagger();
        segments = [InferTestData.Rows(tagger, 15, 15), InferTestData.Rows(tagger, 8, 16)];
        AssertClose(InferTestData.ExpectedSequences(tagger, segments), Run(tagger, "tagger.flm", "--sequence", InferTestData.Csv(tagger, segments)));
    }

    [Fact]
    public void CharModel_MatchesTheManagedEngine()
    {
        RecurrentModel model = InferTestData.CharModel();
        float[][][] segments = [InferTestData.Rows(model, 30, 17)];
        AssertClose(InferTestData.ExpectedStream(model, segments), Run(model, "char.flm", "--stream", InferTestData.Csv(model, segments)));
    }

    [Fact]
    public void DamagedModelFile_ExitsWith3AndSaysWhy()
    {
        string path = Path.Combine(binary.Folder, "damaged.flm");
        byte[] bytes = File.ReadAllBytes(InferTestData.SaveModel(InferTestData.Tagger(), binary.Folder, "good.flm"));
        bytes[^10] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        ProcessRunner.Result result = ProcessRunner.Run(binary.Path_, [path, "--stream"], "1,2\n", RunTimeout);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("checksum does not match", result.Stderr);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public void BadRow_ExitsWith2AfterPrintingTheGoodRows()
    {
        string path = InferTestData.SaveModel(InferTestData.Tagger(), binary.Folder, "tagger-bad-row.flm");
        ProcessRunner.Result result = ProcessRunner.Run(binary.Path_, [path, "--stream"], "1,2\n3,x\n", RunTimeout);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("line 2", result.Stderr);
        Assert.Single(InferTestData.ParseOutput(result.Stdout));
    }

    [Fact]
    public void StartUp_LoadsAModelAndExitsQuickly()
    {
        string path = InferTestData.SaveModel(InferTestData.Forecaster(), binary.Folder, "startup.flm");
        var times = new List<double>();
        for (int run = 0; run < 5; run++)
        {
            ProcessRunner.Result result = ProcessRunner.Run(binary.Path_, [path, "--stream"], "", RunTimeout);
            Assert.Equal(0, result.ExitCode);
            times.Add(result.Elapsed.TotalMilliseconds);
        }

        // Measured with hyperfine at about 1–4 ms (see src/FastLstm.Infer/README.md); a shared CI machine gets slack.
        log.WriteLine($"start-up (process start to exit, empty input), best of 5: {times.Min():F1} ms");
        Assert.True(times.Min() < 1000, $"start-up took {times.Min():F0} ms at best");
    }

    private ProcessRunner.Result Run(RecurrentModel model, string name, string mode, string csv)
    {
        string path = InferTestData.SaveModel(model, binary.Folder, name);
        var clock = Stopwatch.StartNew();
        ProcessRunner.Result result = ProcessRunner.Run(binary.Path_, [path, mode], csv, RunTimeout);
        Assert.True(result.ExitCode == 0, $"exit code {result.ExitCode}: {result.Stderr}");
        log.WriteLine($"{name} {mode}: {clock.Elapsed.TotalMilliseconds:F1} ms");
        return result;
    }

    private static void AssertClose(IReadOnlyList<float[]?> expected, ProcessRunner.Result result)
    {
        List<float[]?> actual = InferTestData.ParseOutput(result.Stdout);
        Assert.Equal(expected.Count, actual.Count);
        for (int r = 0; r < expected.Count; r++)
        {
            Assert.Equal(expected[r] is null, actual[r] is null);
            if (expected[r] is not { } row)
            {
                continue;
            }

            Assert.Equal(row.Length, actual[r]!.Length);
            for (int k = 0; k < row.Length; k++)
            {
                float difference = MathF.Abs(row[k] - actual[r]![k]);
                Assert.True(difference <= AbsoluteTolerance + (RelativeTolerance * MathF.Abs(row[k])), $"row {r}, value {k}: managed {row[k]}, AOT {actual[r]![k]}");
            }
        }

        // Not a vacuous comparison: the outputs vary.
        Assert.True(expected.Where(r => r is not null).Select(r => r![0]).Distinct().Count() > expected.Count / 2);
    }
}
