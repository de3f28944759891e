using FastLstm.Training;

namespace FastLstm.Serialization;

/// <summary>
/// FastLstm's native model file: one file with the architecture and weights of a <see cref="RecurrentModel"/>, the
/// data statistics and vocabulary it needs, its training history and, for a checkpoint, the training state that
/// resumes the run bit for bit. Every section carries a CRC-32 that the loader verifies.
/// </summary>
/// <remarks>
/// <para>Layout (ModelFileFormat.md beside this file has every field): a 28-byte header (signature, format version,
/// section count, file length, CRC-32), then sections, each a 4-letter tag, a length, the payload and a CRC-32 of
/// all three: ARCH (architecture), PARM (every tensor with its name and shape), and when present META, STAT, VOCB,
/// HIST and CKPT. Little-endian throughout; the same <see cref="ModelFile"/> always gives the same bytes.</para>
/// <para>Saving is atomic: <see cref="Save"/> writes a temporary file beside the target, flushes it to disk and
/// renames it over the target, so a crash or kill during a save leaves the previous file whole.</para>
/// <para>Loading treats the file as hostile: every count, length and shape is checked against the bytes the file has
/// and against <see cref="ModelFileLimits"/> before anything is allocated; anything wrong gives a
/// <see cref="ModelFormatException"/> naming the file, the section and the byte offset. Files of a newer format
/// version are refused with a message naming both versions; every older version loads.</para>
/// <para>Thread-safety: <see cref="Load"/> and <see cref="Save"/> may run on several threads at once on different
/// files; a <see cref="ModelFile"/> is immutable but its <see cref="Model"/> is the live model.</para>
/// </remarks>
public sealed class ModelFile
{
    /// <summary>The format version <see cref="Save"/> writes, and the newest <see cref="Load"/> reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>The model: architecture and weights.</summary>
    public required RecurrentModel Model { get; init; }

    /// <summary>Free-form text by key, e.g. "task" = "forecast", "columns" = "passengers", "created" = an ISO time.</summary>
    /// <remarks>Keys are 1 … 256 UTF-8 bytes, values at most 1 MiB; stored in ordinal key order.</remarks>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMetadata;

    /// <summary>Named vectors of data statistics, e.g. "scaler.offsets" and "scaler.scales", one number per column.</summary>
    public IReadOnlyDictionary<string, double[]> Statistics { get; init; } = EmptyStatistics;

    /// <summary>A character vocabulary (the characters in id order, as UTF-16 code units), or null when the model has none.</summary>
    public string? Vocabulary { get; init; }

    /// <summary>The training history, epoch by epoch; may be empty.</summary>
    public IReadOnlyList<EpochRecord> History { get; init; } = [];

    /// <summary>The training state when the file is a checkpoint; null for a plain model.</summary>
    public ModelCheckpoint? Checkpoint { get; init; }

    private static IReadOnlyDictionary<string, string> EmptyMetadata { get; } = new Dictionary<string, string>();

    private static IReadOnlyDictionary<string, double[]> EmptyStatistics { get; } = new Dictionary<string, double[]>();

    /// <summary>Writes <paramref name="file"/> to <paramref name="path"/> atomically: a temporary file beside it, flushed to disk, then renamed over it.</summary>
    /// <param name="path">The target; an existing file there is replaced only once the new one is complete on disk.</param>
    /// <param name="file">What to store.</param>
    /// <exception cref="ArgumentException">The contents break a rule of the format (a key too long, a checkpoint whose optimizer buffers do not fit the model, …); the message names it. Nothing was written.</exception>
    /// <exception cref="IOException">Writing failed; the previous file at <paramref name="path"/>, if any, is untouched and the temporary file removed.</exception>
    public static void Save(string path, ModelFile file) => SaveCore(path, file, wrapForTesting: null);

    /// <summary>Reads the model file at <paramref name="path"/>.</summary>
    /// <exception cref="ModelFormatException">The file is not a FastLstm model file, is truncated or damaged, breaks a limit, or is of a newer format version.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/> (other I/O errors as <see cref="IOException"/>).</exception>
    public static ModelFile Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        return ModelFileReader.Read(stream, path);
    }

    /// <summary>Writes <paramref name="file"/> to <paramref name="destination"/> (not atomic: use <see cref="Save"/> for files).</summary>
    /// <exception cref="ArgumentException">The contents break a rule of the format; nothing was written.</exception>
    public static void Write(Stream destination, ModelFile file)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ModelFileWriter.Write(destination, file);
    }

    /// <summary>Reads a model file from <paramref name="source"/>, from its current position to its end.</summary>
    /// <exception cref="ModelFormatException">As for <see cref="Load"/>.</exception>
    public static ModelFile Read(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return ModelFileReader.Read(source, "stream");
    }

    /// <summary>Reads a model file held in memory.</summary>
    /// <exception cref="ModelFormatException">As for <see cref="Load"/>.</exception>
    public static ModelFile Read(ReadOnlySpan<byte> bytes) => ModelFileReader.Read(bytes, "model file");

    /// <summary><see cref="Save"/> with a seam for tests: <paramref name="wrapForTesting"/> wraps the temporary file's stream (to fail mid-write).</summary>
    internal static void SaveCore(string path, ModelFile file, Func<Stream, Stream>? wrapForTesting)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(file);
        ModelFileWriter.Validate(file);
        AtomicFile.Write(path, stream => ModelFileWriter.Write(stream, file), wrapForTesting);
    }
}
