namespace FastLstm.Serialization;

/// <summary>
/// The sane limits a loaded model file is checked against before anything is allocated, beside the check of every
/// count and length against the bytes the file actually has. A file beyond a limit is refused with a
/// <see cref="ModelFormatException"/>; <see cref="ModelFile.Save"/> refuses to write such a file in the first place.
/// </summary>
/// <remarks>
/// Together the two checks bound what loading allocates by a small multiple of the file's real size: the model's
/// values and gradients (2 × the weights' bytes), the optimizer's buffers (their bytes), and strings and arrays no
/// larger than the bytes that hold them.
/// </remarks>
public static class ModelFileLimits
{
    /// <summary>The largest file: the largest byte array .NET allocates (about 2 GiB), since a file is read whole.</summary>
    public const long MaxFileBytes = 0x7FFFFFC7;

    /// <summary>Sections in one file.</summary>
    public const int MaxSections = 64;

    /// <summary>Stacked layers L.</summary>
    public const int MaxLayers = 1024;

    /// <summary>Any one size of the architecture: I, H, the projection P, the outputs K, the vocabulary V.</summary>
    public const int MaxWidth = 1 << 24;

    /// <summary>Scalar parameters of a model (2 GiB of float32 weights).</summary>
    public const long MaxParameters = 1L << 29;

    /// <summary>UTF-8 bytes of a tensor name, a metadata or statistics key, or an optimizer name.</summary>
    public const int MaxNameBytes = 256;

    /// <summary>UTF-8 bytes of one metadata value.</summary>
    public const int MaxValueBytes = 1 << 20;

    /// <summary>Entries of the metadata, and of the statistics.</summary>
    public const int MaxEntries = 4096;

    /// <summary>Numbers in one statistics entry.</summary>
    public const int MaxStatisticLength = 1 << 24;

    /// <summary>Characters (UTF-16 code units) of the vocabulary.</summary>
    public const int MaxVocabularyLength = 1 << 20;

    /// <summary>Epoch records of the training history.</summary>
    public const int MaxHistory = 1 << 20;

    /// <summary>State buffers of a checkpoint's optimizer (slots × parameter lists).</summary>
    public const int MaxOptimizerBuffers = 64;
}
