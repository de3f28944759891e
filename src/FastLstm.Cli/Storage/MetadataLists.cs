using System.Text.Json;

namespace FastLstm.Cli.Storage;

/// <summary>String lists (column names, label names) stored as one metadata value, written as a JSON array.</summary>
internal static class MetadataLists
{
    /// <summary>Encodes a list for metadata.</summary>
    public static string Encode(IEnumerable<string> items) => JsonSerializer.Serialize(items.ToArray(), CliJson.Default.StringArray);

    /// <summary>Decodes a list stored in metadata.</summary>
    /// <exception cref="InvalidDataException">The value is not a JSON array of strings.</exception>
    public static string[] Decode(string text)
    {
        try
        {
            return JsonSerializer.Deserialize(text, CliJson.Default.StringArray) ?? [];
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"a list in the model file's metadata is not valid: {e.Message.Split('\n')[0]}", e);
        }
    }
}
