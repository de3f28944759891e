using FastLstm.Tests.Layers;
using Xunit;

namespace FastLstm.Tests.Serialization;

/// <summary>Saving replaces a file all at once: a failure midway leaves the previous file as it was.</summary>
public sealed class AtomicWriteTests
{
    [Fact]
    public void Save_StreamFailsMidway_OldFileIntactAndNoTemporaryLeft()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "model.safetensors");
        RecurrentLayer layer = TestData.Layer(CellKind.Lstm, input: 4, hidden: 6);
        SafeTensors.Save(path, layer.Parameters);
        byte[] before = File.ReadAllBytes(path);
        IReadOnlyList<SafeTensor> changed = SafeTensors.ToTensors(Modules.Of(("", TestData.Layer(CellKind.Gru, input: 4, hidden: 6).Parameters)));

        // The crash: the stream dies after 100 bytes reached the temporary file.
        Assert.Throws<IOException>(() => SafeTensorsFile.Write(path, changed, null, file => new FailingStream(file, failAfter: 100)));

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(folder.Path));
        SafeTensors.LoadInto(path, TestData.Layer(CellKind.Lstm, input: 4, hidden: 6).Parameters);
    }

    [Fact]
    public void Save_OverExistingFile_ReplacesItWhole()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "model.safetensors");
        File.WriteAllText(path, new string('x', 100_000));
        var dense = new Dense(3, 2, seed: 4);

        SafeTensors.Save(path, dense.Parameters);

        var loaded = new Dense(3, 2, seed: 5);
        SafeTensors.LoadInto(path, loaded.Parameters);
        Assert.Equal(dense.Parameters.Values.ToArray(), loaded.Parameters.Values.ToArray());
        Assert.Equal([path], Directory.GetFiles(folder.Path));
    }

    /// <summary>Passes writes through until <c>failAfter</c> bytes, then throws like a full disk.</summary>
    private sealed class FailingStream(Stream inner, int failAfter) : Stream
    {
        private int _written;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            int allowed = Math.Min(buffer.Length, failAfter - _written);
            inner.Write(buffer[..allowed]);
            _written += allowed;
            if (allowed < buffer.Length)
            {
                throw new IOException("Simulated failure: no space left on device.");
            }
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
