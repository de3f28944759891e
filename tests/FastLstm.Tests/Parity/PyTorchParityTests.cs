using System.Globalization;
using System.Text;
using FastLstm.Tests.Layers;
using Xunit;
using Xunit.Abstractions;

namespace FastLstm.Tests.Parity;

/// <summary>
/// The engine against every PyTorch golden case in <see cref="FixtureCase.DefaultFolder"/> (override with
/// FASTLSTM_FIXTURES): outputs, final states and every gradient, both losses. A case that cannot run is a failure.
/// </summary>
public sealed class PyTorchParityTests(ITestOutputHelper output)
{
    // The fixture README's tolerances for a float32 engine: |a − b| ≤ abs + rel·|b|.
    private const double OutputAbsolute = 1e-5;
    private const double OutputRelative = 1e-5;
    private const double GradientAbsolute = 1e-4;
    private const double GradientRelative = 1e-4;

    [Fact]
    public void Engine_EveryFixture_MatchesPyTorch()
    {
        IReadOnlyList<string> files = FixtureCase.FindAll();
        int passed = 0;
        var failures = new StringBuilder();
        foreach (string file in files)
        {
            string? failure;
            try
            {
                failure = RunCase(FixtureCase.Load(file));
            }
#pragma warning disable CA1031 // Any exception is a failed case with its reason; the run goes on to count the rest.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                failure = $"{exception.GetType().Name}: {exception.Message}";
            }

            if (failure is null)
            {
                passed++;
            }
            else
            {
                failures.AppendLine(CultureInfo.InvariantCulture, $"{Path.GetFileName(file)}: {failure}");
            }
        }

        int failed = files.Count - passed;
        output.WriteLine($"parity: {passed} passed, {failed} failed");
        if (failures.Length > 0)
        {
            output.WriteLine(failures.ToString());
        }

        Assert.True(files.Count > 0, $"No fixture found in {FixtureCase.DefaultFolder}.");
        Assert.True(failed == 0, failures.ToString());
    }

    /// <summary>Null when the case matches, else the first mismatch.</summary>
    private static string? RunCase(FixtureCase fixture)
    {
        RecurrentLayer layer = EngineAdapter.Build(fixture.Config, fixture.ParameterValues());
        RecurrentWorkspace workspace = layer.CreateWorkspace();
        layer.Forward(
            workspace,
            EngineAdapter.ToFloat(fixture.TimeMajorX),
            fixture.SeqLen,
            fixture.Batch,
            fixture.Lengths ?? [],
            EngineAdapter.ToFloat(fixture.H0.Data),
            EngineAdapter.ToFloatOrEmpty(fixture.C0?.Data));

        string? mismatch = Compare("y", workspace.Output, fixture.TimeMajorY, OutputAbsolute, OutputRelative)
            ?? Compare("h_n", workspace.FinalHidden, fixture.HN.Data, OutputAbsolute, OutputRelative);
        if (mismatch is null && fixture.CN is not null)
        {
            mismatch = Compare("c_n", workspace.FinalCell, fixture.CN.Data, OutputAbsolute, OutputRelative);
        }

        if (mismatch is not null)
        {
            return mismatch;
        }

        float[] g = EngineAdapter.ToFloat(fixture.TimeMajorG);
        float[] gh = EngineAdapter.ToFloat(fixture.LossGh.Data);
        layer.Parameters.ZeroGradients();
        layer.Backward(workspace, g, gh);
        mismatch = CompareGradients("grads", layer, workspace, fixture.TimeMajorGradX, fixture.Grads);
        if (mismatch is not null || fixture.GradsWithCn is null || fixture.Gc is null)
        {
            return mismatch;
        }

        layer.Parameters.ZeroGradients();
        layer.Backward(workspace, g, gh, EngineAdapter.ToFloat(fixture.Gc.Data));
        return CompareGradients("grads_with_cn", layer, workspace, fixture.TimeMajorGradWithCnX!, fixture.GradsWithCn);
    }

    private static string? CompareGradients(string set, RecurrentLayer layer, RecurrentWorkspace workspace, double[] timeMajorX, FixtureGrads expected)
    {
        string? mismatch = Compare($"{set}.x", workspace.InputGradient, timeMajorX, GradientAbsolute, GradientRelative)
            ?? Compare($"{set}.h0", workspace.InitialHiddenGradient, expected.H0.Data, GradientAbsolute, GradientRelative);
        if (mismatch is null && expected.C0 is not null)
        {
            mismatch = Compare($"{set}.c0", workspace.InitialCellGradient, expected.C0.Data, GradientAbsolute, GradientRelative);
        }

        foreach (KeyValuePair<string, FixtureTensor> pair in expected.Params)
        {
            mismatch ??= Compare($"{set}.{pair.Key}", layer.Parameters[pair.Key].Gradients, pair.Value.Data, GradientAbsolute, GradientRelative);
        }

        return mismatch;
    }

    private static string? Compare(string what, ReadOnlySpan<float> actual, double[] expected, double absolute, double relative)
    {
        if (actual.Length != expected.Length)
        {
            return $"{what}: {actual.Length} values, expected {expected.Length}";
        }

        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            if (!(error <= absolute + (relative * Math.Abs(expected[i]))))
            {
                return $"{what}[{i}] = {actual[i]:R}, expected {expected[i]:R} (|error| {error:E2})";
            }
        }

        return null;
    }
}
