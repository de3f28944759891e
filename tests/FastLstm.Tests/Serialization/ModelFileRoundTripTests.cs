using FastLstm.Serialization;
using FastLstm.Training;
using Xunit;

namespace FastLstm.Tests.Serialization;

public class ModelFileRoundTripTests
{
    [Theory]
    [MemberData(nameof(ModelFileTestData.ArchitectureNames), MemberType = typeof(ModelFileTestData))]
    public void RoundTrip_EveryArchitectureFeature_KeepsOptionsWeightsAndOutputs(string name)
    {
        RecurrentModel original = ModelFileTestData.Architectures[name]();
        ModelFile loaded = ModelFile.Read(ModelFileTestData.Bytes(new ModelFile { Model = original }));
        RecurrentModel model = loaded.Model;

        Assert.Equal(original.Recurrent.Options, model.Recurrent.Options);
        Assert.Equal(original.HeadMode, model.HeadMode);
        Assert.Equal(original.OutputSize, model.OutputSize);
        Assert.Equal(original.Embedding?.VocabularySize, model.Embedding?.VocabularySize);
        Assert.Equal(original.ParameterCount, model.ParameterCount);
        Assert.Equal(ModelFileTestData.Values(original), ModelFileTestData.Values(model));
        Assert.Equal(ModelFileTestData.Forward(original), ModelFileTestData.Forward(model));
        for (int l = 0; l < original.Parameters.Count; l++)
        {
            for (int p = 0; p < original.Parameters[l].Count; p++)
            {
                Assert.Equal(original.Parameters[l][p].Name, model.Parameters[l][p].Name);
                Assert.Equal(original.Parameters[l][p].ShapeText, model.Parameters[l][p].ShapeText);
            }
        }
    }

    [Fact]
    public void RoundTrip_PlainModel_HasEmptyExtrasAndNoCheckpoint()
    {
        ModelFile loaded = ModelFile.Read(ModelFileTestData.Bytes(new ModelFile { Model = ModelFileTestData.Architectures["gru"]() }));
        Assert.Empty(loaded.Metadata);
        Assert.Empty(loaded.Statistics);
        Assert.Empty(loaded.History);
        Assert.Null(loaded.Vocabulary);
        Assert.Null(loaded.Checkpoint);
    }

    [Fact]
    public void RoundTrip_MetadataStatisticsVocabularyHistoryCheckpoint_ComeBackExactly()
    {
        ModelFile complete = ModelFileTestData.SmallCompleteFile();
        ModelFile original = new()
        {
            Model = complete.Model,
            Metadata = new Dictionary<string, string>
            {
                ["task"] = "forecast",
                ["created"] = "2025-01-02T03:04:05.0000000Z",
                ["unicode ✓"] = "naïve — 日本語 🙂",
                ["empty"] = "",
                ["long"] = new string('x', 70_000),
            },
            Statistics = new Dictionary<string, double[]>
            {
                ["scaler.offsets"] = [280.298611, -0.0, double.Epsilon],
                ["scaler.scales"] = [119.966317, 1e300, 1],
                ["empty"] = [],
            },
            Vocabulary = "\n !abcé日\uD83D\uDE42\uD800",   // a split surrogate pair's half too: UTF-16 code units come back exactly
            History = complete.History,
            Checkpoint = complete.Checkpoint,
        };

        ModelFile loaded = ModelFile.Read(ModelFileTestData.Bytes(original));

        Assert.Equal(original.Metadata.OrderBy(e => e.Key, StringComparer.Ordinal), loaded.Metadata.OrderBy(e => e.Key, StringComparer.Ordinal));
        Assert.Equal(original.Statistics.Keys.Order(StringComparer.Ordinal), loaded.Statistics.Keys.Order(StringComparer.Ordinal));
        foreach ((string key, double[] values) in original.Statistics)
        {
            Assert.Equal(values.Select(BitConverter.DoubleToInt64Bits), loaded.Statistics[key].Select(BitConverter.DoubleToInt64Bits));
        }

        Assert.Equal(original.Vocabulary, loaded.Vocabulary);
        Assert.Equal(original.History, loaded.History);   // records: every metric, NaNs included, the rate and the flag

        ModelCheckpoint expected = original.Checkpoint!;
        ModelCheckpoint actual = loaded.Checkpoint!;
        Assert.Equal(expected.EpochsCompleted, actual.EpochsCompleted);
        Assert.Equal(expected.Seed, actual.Seed);
        Assert.Equal(expected.BestEpoch, actual.BestEpoch);
        Assert.Equal(expected.BestValue, actual.BestValue);
        Assert.Equal(expected.EpochsWithoutImprovement, actual.EpochsWithoutImprovement);
        Assert.Equal(expected.BestWeights, actual.BestWeights);
        Assert.Equal(expected.Optimizer.Name, actual.Optimizer.Name);
        Assert.Equal(expected.Optimizer.StepCount, actual.Optimizer.StepCount);
        Assert.Equal(expected.Optimizer.LearningRate, actual.Optimizer.LearningRate);
        Assert.Equal(expected.Optimizer.Buffers.Count, actual.Optimizer.Buffers.Count);
        for (int i = 0; i < expected.Optimizer.Buffers.Count; i++)
        {
            Assert.Equal(expected.Optimizer.Buffers[i], actual.Optimizer.Buffers[i]);
            Assert.Contains(actual.Optimizer.Buffers[i], v => v != 0f);
        }
    }

    [Fact]
    public void Write_SameContents_GiveTheSameBytes()
    {
        // Metadata and statistics are stored in ordinal key order, whatever the dictionary's order.
        RecurrentModel model = ModelFileTestData.Architectures["rnn_tanh"]();
        byte[] first = ModelFileTestData.Bytes(new ModelFile { Model = model, Metadata = new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" } });
        byte[] second = ModelFileTestData.Bytes(new ModelFile { Model = model, Metadata = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" } });
        Assert.Equal(first, second);
    }

    [Fact]
    public void SaveAndLoad_ThroughAFile_RoundTrips()
    {
        using var directory = new TempFolder();
        string path = Path.Combine(directory.Path, "model.flm");
        ModelFile original = ModelFileTestData.SmallCompleteFile();
        ModelFile.Save(path, original);
        ModelFile loaded = ModelFile.Load(path);
        Assert.Equal(ModelFileTestData.Values(original.Model), ModelFileTestData.Values(loaded.Model));
        Assert.Equal(ModelFileTestData.Bytes(original), File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(directory.Path));
    }

    [Fact]
    public void Read_FromANonSeekableStream_Works()
    {
        byte[] bytes = ModelFileTestData.Bytes(ModelFileTestData.SmallCompleteFile());
        using var stream = new ForwardOnlyStream(bytes);
        Assert.Equal(bytes, ModelFileTestData.Bytes(ModelFile.Read(stream)));
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => ModelFile.Load(Path.Combine(Path.GetTempPath(), "no-such-model-" + Guid.NewGuid().ToString("N") + ".flm")));
    }

    public static TheoryData<string> InvalidContents => ["null value", "empty key", "long key", "lone surrogate key", "checkpoint buffers", "best weights", "negative epochs"];

    [Theory]
    [MemberData(nameof(InvalidContents))]
    public void Save_ContentsTheLoaderWouldRefuse_ThrowsArgumentExceptionAndWritesNothing(string what)
    {
        RecurrentModel model = ModelFileTestData.Architectures["rnn_tanh"]();
        var other = ModelFileTestData.Architectures["gru"]();
        var adam = new Adam(other.Parameters);
        ModelFile file = what switch
        {
            "null value" => new ModelFile { Model = model, Metadata = new Dictionary<string, string> { ["k"] = null! } },
            "empty key" => new ModelFile { Model = model, Statistics = new Dictionary<string, double[]> { [""] = [1] } },
            "long key" => new ModelFile { Model = model, Metadata = new Dictionary<string, string> { [new string('k', 300)] = "v" } },
            "lone surrogate key" => new ModelFile { Model = model, Metadata = new Dictionary<string, string> { ["\uD800"] = "v" } },
            "checkpoint buffers" => new ModelFile { Model = model, Checkpoint = new ModelCheckpoint(adam.ExportState(), 1, 0) },
            "best weights" => new ModelFile { Model = model, Checkpoint = new ModelCheckpoint(new Sgd(model.Parameters, 0.1f).ExportState(), 1, 0) { BestWeights = new float[3] } },
            _ => new ModelFile { Model = model, Checkpoint = new ModelCheckpoint(new Sgd(model.Parameters, 0.1f).ExportState(), -1, 0) },
        };

        using var directory = new TempFolder();
        string path = Path.Combine(directory.Path, "model.flm");
        ArgumentException error = Assert.Throws<ArgumentException>(() => ModelFile.Save(path, file));
        Assert.Equal("file", error.ParamName);
        Assert.Empty(Directory.GetFiles(directory.Path));
    }

    /// <summary>A stream that can only be read forward, like a pipe.</summary>
    private sealed class ForwardOnlyStream(byte[] data) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            // Short reads, as a pipe gives.
            int n = Math.Min(Math.Min(count, 1000), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
