using FastLstm.Serialization;
using Xunit;

namespace FastLstm.Tests.Serialization;

/// <summary>
/// Saving replaces the file all at once. A kill freezes the file system as it is at that moment, so "a kill midway
/// leaves the old model loadable" is tested by loading the target from inside the write, at many points of it; a
/// crash that unwinds (an I/O error) is tested with a stream that fails midway.
/// </summary>
public class ModelFileAtomicSaveTests
{
    [Fact]
    public void KillAtAnyPointOfASave_LeavesThePreviousModelLoadable()
    {
        using var directory = new TempFolder();
        string path = Path.Combine(directory.Path, "model.flm");
        ModelFile old = new() { Model = ModelFileTestData.Architectures["lstm_projection"](), Metadata = new Dictionary<string, string> { ["which"] = "old" } };
        ModelFile replacement = ModelFileTestData.SmallCompleteFile();
        ModelFile.Save(path, old);
        byte[] oldBytes = File.ReadAllBytes(path);
        long total = ModelFileTestData.Bytes(replacement).Length;

        int checkedPoints = 0;
        foreach (long point in new long[] { 0, 1, 27, 28, 100, total / 2, total - 1, total })
        {
            ModelFile.SaveCore(path, replacement, stream => new ObservedStream(stream, point, () =>
            {
                // The moment a kill would freeze: the target is still the old file, whole.
                Assert.Equal(oldBytes, File.ReadAllBytes(path));
                Assert.Equal("old", ModelFile.Load(path).Metadata["which"]);
                checkedPoints++;
            }));

            // The save went through: the new model is there, the temporary file gone. Put the old one back for the next point.
            Assert.Equal(ModelFileTestData.Bytes(replacement), File.ReadAllBytes(path));
            Assert.Equal([path], Directory.GetFiles(directory.Path));
            File.WriteAllBytes(path, oldBytes);
        }

        Assert.Equal(8, checkedPoints);
    }

    [Fact]
    public void CrashMidwayThroughASave_LeavesThePreviousModelAndNoTemporaryFile()
    {
        using var directory = new TempFolder();
        string path = Path.Combine(directory.Path, "model.flm");
        ModelFile old = new() { Model = ModelFileTestData.Architectures["gru"]() };
        ModelFile.Save(path, old);
        byte[] oldBytes = File.ReadAllBytes(path);

        foreach (long failAt in new long[] { 0, 10, 500 })
        {
            IOException error = Assert.Throws<IOException>(() =>
                ModelFile.SaveCore(path, ModelFileTestData.SmallCompleteFile(), stream => new ObservedStream(stream, failAt, () => throw new IOException("disk full (simulated)"))));
            Assert.Equal("disk full (simulated)", error.Message);
            Assert.Equal(oldBytes, File.ReadAllBytes(path));
            Assert.Equal(ModelFileTestData.Values(old.Model), ModelFileTestData.Values(ModelFile.Load(path).Model));
            Assert.Equal([path], Directory.GetFiles(directory.Path));
        }
    }

    [Fact]
    public void StrayTemporaryFileFromAKilledSave_DoesNotDisturbTheNextSaveOrLoad()
    {
        using var directory = new TempFolder();
        string path = Path.Combine(directory.Path, "model.flm");
        byte[] full = ModelFileTestData.Bytes(ModelFileTestData.SmallCompleteFile());
        string stray = Path.Combine(directory.Path, ".model.flm.0123456789abcdef0123456789abcdef.tmp");
        File.WriteAllBytes(stray, full.AsSpan(0, full.Length / 2).ToArray());   // what a kill during a save leaves

        ModelFile.Save(path, ModelFileTestData.SmallCompleteFile());
        Assert.Equal(full, File.ReadAllBytes(path));
        Assert.Throws<ModelFormatException>(() => ModelFile.Load(stray));   // and the half-written file itself is refused
    }

    [Fact]
    public void Save_IntoAMissingDirectory_ThrowsAndCreatesNothing()
    {
        using var directory = new TempFolder();
        string path = Path.Combine(directory.Path, "missing", "model.flm");
        Assert.Throws<DirectoryNotFoundException>(() => ModelFile.Save(path, ModelFileTestData.SmallCompleteFile()));
        Assert.Empty(Directory.GetFileSystemEntries(directory.Path));
    }

    /// <summary>Passes writes through and runs <c>atPoint</c> once, when <c>point</c> bytes have been written.</summary>
    private sealed class ObservedStream(Stream inner, long point, Action atPoint) : Stream
    {
        private long _written;
        private bool _fired;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _written;

        public override long Position { get => _written; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (!buffer.IsEmpty)
            {
                FireIfDue();
                int take = (int)Math.Min(buffer.Length, _fired ? buffer.Length : point - _written);
                inner.Write(buffer.Slice(0, take));
                _written += take;
                buffer = buffer.Slice(take);
            }

            FireIfDue();
        }

        public override void Flush()
        {
            FireIfDue();
            inner.Flush();
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        private void FireIfDue()
        {
            if (!_fired && _written == point)
            {
                _fired = true;
                inner.Flush();
                atPoint();
            }
        }
    }
}
