using FastLstm.Serialization;

namespace FastLstm.Cli.Storage;

/// <summary>
/// Saves and loads <see cref="SavedModel"/>s with the engine's <see cref="ModelFile"/>: the one place the tool touches
/// the model file format.
/// </summary>
internal static class ModelStore
{
    /// <summary>The file name a run saves its model under.</summary>
    public const string FileName = "model.fastlstm";

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, SavedModel model) =>
        ModelFile.Save(path, new ModelFile
        {
            Model = model.Model,
            Metadata = model.Metadata,
            Statistics = model.Statistics,
            Vocabulary = model.Vocabulary,
            History = model.History,
        });

    /// <summary>Reads a model file.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">The file is damaged, truncated or not a model file (<see cref="ModelFormatException"/>); the message says why.</exception>
    public static SavedModel Load(string path)
    {
        if (Directory.Exists(path))
        {
            throw new InvalidDataException($"{path} is a directory, not a model file (a run folder holds {FileName}).");
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no model file at {path}.", path);
        }

        ModelFile file = ModelFile.Load(path);
        return new SavedModel
        {
            Model = file.Model,
            Metadata = file.Metadata,
            Statistics = file.Statistics,
            Vocabulary = file.Vocabulary,
            History = file.History,
        };
    }
}
