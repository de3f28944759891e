namespace FastLstm;

/// <summary>
/// The one exception every model-file loader of FastLstm throws when it cannot accept a file: truncated, corrupted,
/// crafted, of an unsupported kind, or not matching the model it is loaded into. The message says what and where
/// (the tensor, node or attribute, expected and actual values).
/// </summary>
/// <remarks>
/// Loaders treat a file as hostile: every count, length, offset and shape is checked against the file's size and
/// against fixed limits before memory is allocated for it, so a bad file ends in this exception, never in another
/// exception type, a hang, a huge allocation or a crash. A missing or unreadable file is not a format problem: it
/// gives the usual <see cref="FileNotFoundException"/>, <see cref="UnauthorizedAccessException"/> or <see cref="IOException"/>.
/// <para>It derives from <see cref="IOException"/> (<see cref="InvalidDataException"/>, the closer match, is sealed), so
/// one <c>catch (IOException)</c> around a load handles both a file that cannot be read and one that cannot be accepted.</para>
/// </remarks>
public class ModelFormatException : IOException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public ModelFormatException()
        : base("The model file is not valid.")
    {
    }

    /// <summary>Creates the exception with a message that says what is wrong.</summary>
    /// <param name="message">What is wrong, naming the tensor, node or field.</param>
    public ModelFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the lower-level error that revealed the problem.</summary>
    /// <param name="message">What is wrong, naming the tensor, node or field.</param>
    /// <param name="innerException">The parser's own exception.</param>
    public ModelFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
