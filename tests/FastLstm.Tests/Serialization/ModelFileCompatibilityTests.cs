using FastLstm.Serialization;
using FastLstm.Training;
using Xunit;

namespace FastLstm.Tests.Serialization;

/// <summary>
/// Files of every format version that ever existed keep loading. Fixtures/model_v1.flm was written by format version 1
/// (ModelFileTestData.SmallCompleteFile(), see Fixtures/README.md) and must load in every later version.
/// </summary>
public class ModelFileCompatibilityTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Serialization", "Fixtures", name);

    [Fact]
    public void Version1File_Loads()
    {
        ModelFile file = ModelFile.Load(Fixture("model_v1.flm"));
        RecurrentOptions o = file.Model.Recurrent.Options;
        Assert.Equal(CellKind.Gru, o.Cell);
        Assert.Equal((2, 3, 1), (o.InputSize, o.HiddenSize, o.NumLayers));
        Assert.Equal(HeadMode.LastStep, file.Model.HeadMode);
        Assert.Equal("forecast", file.Metadata["task"]);
        Assert.Equal([119.97], file.Statistics["scaler.scales"]);
        Assert.Equal("ab", file.Vocabulary);
        Assert.Equal(2, file.History.Count);
        Assert.Equal("adam", file.Checkpoint!.Optimizer.Name);
        Assert.Equal(2, file.Checkpoint.Optimizer.StepCount);
        Assert.Equal(42, file.Checkpoint.Seed);
    }

    [Fact]
    public void Version1File_IsWhatThisVersionWritesForTheSameContents()
    {
        // While FormatVersion is 1 the writer must reproduce the fixture byte for byte; a format change shows up here.
        byte[] fixture = File.ReadAllBytes(Fixture("model_v1.flm"));
        Assert.Equal(1, ModelFile.FormatVersion);
        Assert.Equal(fixture, ModelFileTestData.Bytes(ModelFile.Read(fixture)));
    }
}
