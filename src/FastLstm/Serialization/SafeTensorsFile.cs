using System.Buffers;
using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using FastLstm.Serialization;

namespace FastLstm;

/// <summary>
/// A safetensors file (Hugging Face's tensor container, what <c>safetensors.torch.save_file</c> writes): read with
/// every field checked, or written with the reference implementation's layout. No code runs on load, by design.
/// </summary>
/// <remarks>
/// <para>Layout, as the format's README and reference implementation define it (huggingface/safetensors:
/// README.md "Format", safetensors/src/tensor.rs): 8 bytes N, a little-endian u64; N bytes of UTF-8 JSON, an object
/// mapping each tensor name to <c>{"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}</c> plus an optional
/// <c>"__metadata__"</c> string-to-string map; then the byte buffer, tensors row-major and little-endian, offsets
/// relative to its start. The reader accepts a header of at most 100 MB (the reference MAX_HEADER_SIZE) and
/// requires the tensors, sorted by offset, to tile the buffer exactly: contiguous from 0, non-overlapping, each
/// range the size its shape and dtype imply, the last ending at the end of the file.</para>
/// <para>The writer emits what the reference <c>serialize</c> emits: tensors sorted by descending dtype alignment,
/// then by name; compact JSON with <c>__metadata__</c> first; the header padded with spaces to a multiple of 8 bytes
/// so every tensor's data is 8-byte aligned in the file.</para>
/// <para>Hostile files: every malformed, truncated or crafted input ends in <see cref="ModelFormatException"/>, checked
/// before any allocation a field could inflate (the only large allocation is the file's own length).</para>
/// <para>Thread-safety: an instance is immutable; its tensors may be read from several threads.</para>
/// </remarks>
public sealed class SafeTensorsFile
{
    /// <summary>Largest accepted JSON header, in bytes (the reference implementation's MAX_HEADER_SIZE).</summary>
    public const int MaxHeaderLength = 100_000_000;

    /// <summary>Largest accepted number of tensors in one file.</summary>
    public const int MaxTensorCount = 1_000_000;

    /// <summary>Largest accepted tensor rank.</summary>
    public const int MaxRank = 16;

    /// <summary>Largest accepted file: the whole file is read into one array.</summary>
    public const long MaxFileLength = 0x7FFFFFC7; // Array.MaxLength, as a constant

    /// <summary>The reserved header key of the free-form string map.</summary>
    public const string MetadataKey = "__metadata__";

    private const int LengthPrefix = 8;

    private readonly SafeTensor[] _tensors;
    private readonly Dictionary<string, SafeTensor> _byName;

    private SafeTensorsFile(SafeTensor[] tensors, Dictionary<string, SafeTensor> byName, Dictionary<string, string> metadata)
    {
        _tensors = tensors;
        _byName = byName;
        Metadata = metadata;
    }

    /// <summary>The tensors, in file (offset) order.</summary>
    public IReadOnlyList<SafeTensor> Tensors => _tensors;

    /// <summary>The <c>__metadata__</c> map; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensor called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name; the message names it.</exception>
    public SafeTensor this[string name] => _byName.TryGetValue(name, out SafeTensor? tensor)
        ? tensor
        : throw new KeyNotFoundException($"The file has no tensor named '{Quote(name)}'.");

    /// <summary>Looks a tensor up by name.</summary>
    public bool TryGetTensor(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SafeTensor? tensor) =>
        _byName.TryGetValue(name, out tensor);

    /// <summary>Reads and validates a whole file.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="ModelFormatException">The file is not a valid safetensors file; the message says why.</exception>
    /// <exception cref="IOException">The file cannot be opened or read.</exception>
    public static SafeTensorsFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        return Read(stream);
    }

    /// <summary>Reads a stream to its end and validates it as a safetensors file.</summary>
    /// <param name="stream">The content; read from its current position.</param>
    /// <exception cref="ModelFormatException">The content is not a valid safetensors file, or longer than <see cref="MaxFileLength"/>.</exception>
    public static SafeTensorsFile Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Parse(ReadAll(stream, MaxFileLength, "safetensors"));
    }

    /// <summary>Validates a safetensors file held in memory; tensors keep views into <paramref name="content"/>.</summary>
    /// <param name="content">The whole file.</param>
    /// <exception cref="ModelFormatException">The content is not a valid safetensors file; the message says why.</exception>
    public static SafeTensorsFile Parse(ReadOnlyMemory<byte> content)
    {
        ReadOnlySpan<byte> span = content.Span;
        if (span.Length < LengthPrefix)
        {
            throw Format($"The file is {span.Length} bytes long; a safetensors file starts with an 8-byte header length.");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(span);
        if (headerLength > MaxHeaderLength)
        {
            throw Format($"The header length is {headerLength} bytes; at most {MaxHeaderLength} is accepted.");
        }

        if (headerLength > (ulong)(span.Length - LengthPrefix))
        {
            throw Format($"The header length is {headerLength} bytes, but only {span.Length - LengthPrefix} bytes follow the length field (truncated file?).");
        }

        ReadOnlySpan<byte> header = span.Slice(LengthPrefix, (int)headerLength);
        if (!Utf8.IsValid(header))
        {
            throw Format("The header is not valid UTF-8.");
        }

        var entries = new List<Entry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            ParseHeader(header, entries, metadata);
        }
        catch (JsonException e)
        {
            throw new ModelFormatException($"The header is not valid JSON: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            // Utf8JsonReader's typed getters throw this for a token of another type or an unreadable string.
            throw new ModelFormatException($"The header has a value of an unexpected type: {e.Message}", e);
        }

        ReadOnlyMemory<byte> buffer = content.Slice(LengthPrefix + (int)headerLength);
        return Build(entries, metadata, buffer);
    }

    /// <summary>
    /// Writes tensors to <paramref name="path"/> atomically: a temporary file beside it is written, flushed to the
    /// disk, then renamed over the target, so a failure midway leaves any previous file intact.
    /// </summary>
    /// <param name="path">The target file; created or replaced.</param>
    /// <param name="tensors">The tensors; names must be distinct.</param>
    /// <param name="metadata">The <c>__metadata__</c> map, or null for none.</param>
    /// <exception cref="ArgumentException">Two tensors share a name, or the header would exceed <see cref="MaxHeaderLength"/>.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(string path, IEnumerable<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        Write(path, tensors, metadata, wrapStream: null);

    /// <summary>Writes tensors to a stream in the safetensors layout (not atomic; see the path overload).</summary>
    /// <param name="destination">Receives the bytes; not disposed.</param>
    /// <param name="tensors">The tensors; names must be distinct.</param>
    /// <param name="metadata">The <c>__metadata__</c> map, or null for none.</param>
    /// <exception cref="ArgumentException">Two tensors share a name, or the header would exceed <see cref="MaxHeaderLength"/>.</exception>
    public static void Write(Stream destination, IEnumerable<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(tensors);
        SafeTensor[] ordered = Order(tensors);
        WriteCore(destination, ordered, BuildHeader(ordered, metadata));
    }

    /// <summary>The path overload with a test hook that wraps the file stream.</summary>
    internal static void Write(
        string path, IEnumerable<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata, Func<Stream, Stream>? wrapStream)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        SafeTensor[] ordered = Order(tensors);
        byte[] header = BuildHeader(ordered, metadata);
        AtomicFile.Write(path, stream => WriteCore(stream, ordered, header), wrapStream);
    }

    private static void WriteCore(Stream destination, SafeTensor[] ordered, byte[] header)
    {
        Span<byte> length = stackalloc byte[LengthPrefix];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        destination.Write(length);
        destination.Write(header);
        foreach (SafeTensor tensor in ordered)
        {
            destination.Write(tensor.Data.Span);
        }
    }

    /// <summary>Reads a stream to its end into one array, refusing more than <paramref name="limit"/> bytes.</summary>
    internal static byte[] ReadAll(Stream stream, long limit, string what)
    {
        try
        {
            if (stream.CanSeek)
            {
                long remaining = stream.Length - stream.Position;
                if (remaining > limit)
                {
                    throw Format($"The {what} file is {remaining} bytes; at most {limit} can be loaded.");
                }

                var bytes = new byte[Math.Max(remaining, 0)];
                stream.ReadExactly(bytes);
                return bytes;
            }

            using var memory = new MemoryStream();
            var chunk = new byte[1 << 16];
            int read;
            while ((read = stream.Read(chunk)) > 0)
            {
                if (memory.Length + read > limit)
                {
                    throw Format($"The {what} stream is longer than {limit} bytes, the most that can be loaded.");
                }

                memory.Write(chunk, 0, read);
            }

            return memory.ToArray();
        }
        catch (EndOfStreamException e)
        {
            throw new ModelFormatException($"The {what} file ended before its reported length (truncated while reading?).", e);
        }
    }

    private static void ParseHeader(ReadOnlySpan<byte> header, List<Entry> entries, Dictionary<string, string> metadata)
    {
        // Depth: root object 1, tensor entry 2, shape array 3; a little room for skipped unknown fields.
        var reader = new Utf8JsonReader(header, new JsonReaderOptions { MaxDepth = 8, CommentHandling = JsonCommentHandling.Disallow });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw Format("The header must be a JSON object.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        bool sawMetadata = false;
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            string name = reader.GetString()!;
            if (name == MetadataKey)
            {
                if (sawMetadata)
                {
                    throw Format($"The header has two '{MetadataKey}' keys.");
                }

                sawMetadata = true;
                ParseMetadata(ref reader, metadata);
                continue;
            }

            if (!seen.Add(name))
            {
                throw Format($"The header names tensor '{Quote(name)}' twice.");
            }

            if (entries.Count == MaxTensorCount)
            {
                throw Format($"The header lists more than {MaxTensorCount} tensors.");
            }

            entries.Add(ParseEntry(ref reader, name));
        }

        // Only the space padding may follow the root object (the reader rejects any second value).
        if (reader.Read())
        {
            throw Format("The header has content after its JSON object.");
        }
    }

    private static void ParseMetadata(ref Utf8JsonReader reader, Dictionary<string, string> metadata)
    {
        Next(ref reader);
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        Expect(ref reader, JsonTokenType.StartObject, $"'{MetadataKey}' must be an object of strings");
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return;
            }

            string key = reader.GetString()!;
            Next(ref reader);
            Expect(ref reader, JsonTokenType.String, $"'{MetadataKey}' value of '{Quote(key)}' must be a string");
            if (!metadata.TryAdd(key, reader.GetString()!))
            {
                throw Format($"'{MetadataKey}' has the key '{Quote(key)}' twice.");
            }
        }
    }

    private static Entry ParseEntry(ref Utf8JsonReader reader, string name)
    {
        Next(ref reader);
        Expect(ref reader, JsonTokenType.StartObject, $"Tensor '{Quote(name)}' must be an object with dtype, shape and data_offsets");
        SafeTensorsDType? dtype = null;
        int[]? shape = null;
        ulong begin = 0;
        ulong end = 0;
        bool sawOffsets = false;
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            if (reader.ValueTextEquals("dtype"u8))
            {
                Next(ref reader);
                Expect(ref reader, JsonTokenType.String, $"Tensor '{Quote(name)}': dtype must be a string");
                if (dtype is not null)
                {
                    throw Format($"Tensor '{Quote(name)}' has two dtype fields.");
                }

                string text = reader.GetString()!;
                if (!SafeTensorsDTypeInfo.TryParse(text, out SafeTensorsDType parsed))
                {
                    throw Format($"Tensor '{Quote(name)}' has the unknown dtype '{Truncate(text)}'.");
                }

                dtype = parsed;
            }
            else if (reader.ValueTextEquals("shape"u8))
            {
                if (shape is not null)
                {
                    throw Format($"Tensor '{Quote(name)}' has two shape fields.");
                }

                shape = ParseShape(ref reader, name);
            }
            else if (reader.ValueTextEquals("data_offsets"u8))
            {
                if (sawOffsets)
                {
                    throw Format($"Tensor '{Quote(name)}' has two data_offsets fields.");
                }

                sawOffsets = true;
                Next(ref reader);
                Expect(ref reader, JsonTokenType.StartArray, $"Tensor '{Quote(name)}': data_offsets must be [begin, end]");
                begin = ReadOffset(ref reader, name);
                end = ReadOffset(ref reader, name);
                Next(ref reader);
                Expect(ref reader, JsonTokenType.EndArray, $"Tensor '{Quote(name)}': data_offsets must hold exactly two numbers");
            }
            else
            {
                // Unknown fields are skipped, as the reference reader (serde without deny_unknown_fields) does.
                Next(ref reader);
                reader.Skip();
            }
        }

        if (dtype is null || shape is null || !sawOffsets)
        {
            string missing = dtype is null ? "dtype" : shape is null ? "shape" : "data_offsets";
            throw Format($"Tensor '{Quote(name)}' has no {missing} field.");
        }

        return new Entry(name, dtype.Value, shape, begin, end);
    }

    private static int[] ParseShape(ref Utf8JsonReader reader, string name)
    {
        Next(ref reader);
        Expect(ref reader, JsonTokenType.StartArray, $"Tensor '{Quote(name)}': shape must be an array of non-negative integers");
        Span<int> dims = stackalloc int[MaxRank];
        int rank = 0;
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return dims.Slice(0, rank).ToArray();
            }

            Expect(ref reader, JsonTokenType.Number, $"Tensor '{Quote(name)}': shape must be an array of non-negative integers");
            if (!reader.TryGetUInt64(out ulong dim) || dim > int.MaxValue)
            {
                throw Format($"Tensor '{Quote(name)}' has a shape dimension that is not an integer in [0, {int.MaxValue}].");
            }

            if (rank == MaxRank)
            {
                throw Format($"Tensor '{Quote(name)}' has more than {MaxRank} dimensions.");
            }

            dims[rank++] = (int)dim;
        }
    }

    private static ulong ReadOffset(ref Utf8JsonReader reader, string name)
    {
        Next(ref reader);
        Expect(ref reader, JsonTokenType.Number, $"Tensor '{Quote(name)}': data_offsets must hold two non-negative integers");
        if (!reader.TryGetUInt64(out ulong value))
        {
            throw Format($"Tensor '{Quote(name)}': data_offsets must hold two non-negative integers.");
        }

        return value;
    }

    private static SafeTensorsFile Build(List<Entry> entries, Dictionary<string, string> metadata, ReadOnlyMemory<byte> buffer)
    {
        // The reference reader sorts by (begin, end) and then requires the ranges to tile the buffer exactly.
        entries.Sort(static (a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        var tensors = new SafeTensor[entries.Count];
        var byName = new Dictionary<string, SafeTensor>(entries.Count, StringComparer.Ordinal);
        ulong expected = 0;
        ulong bufferLength = (ulong)buffer.Length;
        for (int i = 0; i < entries.Count; i++)
        {
            Entry entry = entries[i];
            if (entry.Begin != expected || entry.End < entry.Begin)
            {
                throw Format(
                    $"Tensor '{Quote(entry.Name)}' has data_offsets [{entry.Begin}, {entry.End}]; expected it to start at {expected}, " +
                    "right after the previous tensor (offsets must be ordered, contiguous and non-overlapping).");
            }

            if (entry.End > bufferLength)
            {
                throw Format(
                    $"Tensor '{Quote(entry.Name)}' ends at byte {entry.End} of the data buffer, which holds only {bufferLength} bytes (truncated file?).");
            }

            ulong elements = 1;
            foreach (int dim in entry.Shape)
            {
                if (!TryMultiply(elements, (ulong)dim, out elements))
                {
                    throw Format($"Tensor '{Quote(entry.Name)}' has shape {Parameter.FormatShape(entry.Shape)}, whose element count overflows.");
                }
            }

            if (!TryMultiply(elements, (ulong)SafeTensorsDTypeInfo.Size(entry.DType), out ulong bytes) || bytes != entry.End - entry.Begin)
            {
                throw Format(
                    $"Tensor '{Quote(entry.Name)}' of dtype {SafeTensorsDTypeInfo.Name(entry.DType)} and shape {Parameter.FormatShape(entry.Shape)} " +
                    $"needs {elements} × {SafeTensorsDTypeInfo.Size(entry.DType)} bytes; its data_offsets span {entry.End - entry.Begin}.");
            }

            var tensor = new SafeTensor(
                entry.Name, entry.DType, entry.Shape, (long)elements, buffer.Slice((int)entry.Begin, (int)bytes));
            tensors[i] = tensor;
            byName.Add(entry.Name, tensor);
            expected = entry.End;
        }

        if (expected != bufferLength)
        {
            throw Format(
                $"The tensors cover {expected} bytes of the data buffer, but the file holds {bufferLength} after the header " +
                "(the last tensor must end at the end of the file).");
        }

        return new SafeTensorsFile(tensors, byName, metadata);
    }

    private static SafeTensor[] Order(IEnumerable<SafeTensor> tensors)
    {
        var list = new List<SafeTensor>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (SafeTensor tensor in tensors)
        {
            ArgumentNullException.ThrowIfNull(tensor, nameof(tensors));
            if (!names.Add(tensor.Name))
            {
                throw new ArgumentException($"Two tensors are named '{tensor.Name}'; names in a safetensors file must be distinct.", nameof(tensors));
            }

            list.Add(tensor);
        }

        // Descending dtype alignment, then name: the reference writer's order (tensor.rs, prepare).
        list.Sort(static (a, b) => a.DType != b.DType ? b.DType.CompareTo(a.DType) : string.CompareOrdinal(a.Name, b.Name));
        return [.. list];
    }

    private static byte[] BuildHeader(SafeTensor[] ordered, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is not null)
            {
                json.WriteStartObject(MetadataKey);
                var keys = new List<string>(metadata.Keys);
                keys.Sort(StringComparer.Ordinal);
                foreach (string key in keys)
                {
                    json.WriteString(key, metadata[key]);
                }

                json.WriteEndObject();
            }

            ulong offset = 0;
            foreach (SafeTensor tensor in ordered)
            {
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype"u8, SafeTensorsDTypeInfo.Name(tensor.DType));
                json.WriteStartArray("shape"u8);
                foreach (int dim in tensor.Shape)
                {
                    json.WriteNumberValue(dim);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets"u8);
                json.WriteNumberValue(offset);
                offset += (ulong)tensor.Data.Length;
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        // Pad with spaces to a multiple of 8, so the data buffer (and every F32/F64 tensor in it) is aligned.
        int padded = (buffer.WrittenCount + 7) & ~7;
        if (padded > MaxHeaderLength)
        {
            throw new ArgumentException($"The header would be {padded} bytes; safetensors allows at most {MaxHeaderLength}.", nameof(ordered));
        }

        var header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return header;
    }

    private static void Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw Format("The header JSON ends early.");
        }
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what)
    {
        if (reader.TokenType != type)
        {
            throw Format($"{what}; found {reader.TokenType}.");
        }
    }

    private static bool TryMultiply(ulong a, ulong b, out ulong product)
    {
        UInt128 wide = (UInt128)a * b;
        product = (ulong)wide;
        return wide <= ulong.MaxValue;
    }

    private static string Truncate(string text) => text.Length <= 32 ? text : text[..32] + "…";

    /// <summary>A name as messages show it: crafted names can be megabytes long.</summary>
    private static string Quote(string name) => name.Length <= 200 ? name : name[..200] + "…";

    private static ModelFormatException Format(string message) => new("safetensors: " + message);

    private readonly record struct Entry(string Name, SafeTensorsDType DType, int[] Shape, ulong Begin, ulong End);
}
