using FastLstm.Training;

namespace FastLstm.Cli.Storage;

/// <summary>
/// What the tool keeps in a model file: the trained model, the facts needed to use it again (task, columns,
/// lookback, transform …) as text metadata, the data statistics (scaler offsets and scales), the vocabulary of a
/// text model and the training history. The fields of <c>FastLstm.Serialization.ModelFile</c>, one to one.
/// </summary>
internal sealed class SavedModel
{
    public required RecurrentModel Model { get; init; }

    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, double[]> Statistics { get; init; } = new Dictionary<string, double[]>();

    public string? Vocabulary { get; init; }

    public IReadOnlyList<EpochRecord> History { get; init; } = [];

    /// <summary>The metadata value of <paramref name="key"/>, or a bad-file error naming the missing key.</summary>
    public string Require(string key) =>
        Metadata.TryGetValue(key, out string? value)
            ? value
            : throw new InvalidDataException($"the model file has no '{key}' entry in its metadata; was it written by 'fastlstm train'?");

    public string? Get(string key) => Metadata.TryGetValue(key, out string? value) ? value : null;

    public int RequireInt(string key) =>
        int.TryParse(Require(key), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new InvalidDataException($"the model file's metadata '{key}' is not an integer: '{Require(key)}'.");

    public double[] RequireStatistics(string key) =>
        Statistics.TryGetValue(key, out double[]? values)
            ? values
            : throw new InvalidDataException($"the model file has no '{key}' statistics; was it written by 'fastlstm train'?");
}
