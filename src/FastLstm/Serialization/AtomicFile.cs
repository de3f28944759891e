namespace FastLstm.Serialization;

/// <summary>
/// Replaces a file all at once: the new contents go to a temporary file in the same directory, which is flushed to
/// disk (fsync) and then renamed over the target. A rename within one file system is atomic, so readers see either
/// the old file or the new one, and a crash or kill at any moment leaves the old file whole (plus, at worst, a
/// stray <c>.NAME.*.tmp</c> file).
/// </summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>; on any failure the target is untouched and the temporary file removed.</summary>
    /// <param name="path">The target.</param>
    /// <param name="write">Writes the whole contents to the stream it is given.</param>
    /// <param name="wrap">Test seam: wraps the temporary file's stream (e.g. to fail after N bytes), or null.</param>
    public static void Write(string path, Action<Stream> write, Func<Stream, Stream>? wrap)
    {
        string target = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(target) ?? throw new ArgumentException($"'{path}' has no directory.", nameof(path));
        string temporary = Path.Combine(directory, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                Stream stream = wrap is null ? file : wrap(file);
                write(stream);
                stream.Flush();
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the failure being reported matters more than a stray temporary file.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
