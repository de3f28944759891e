using System.CommandLine;
using FastLstm.Cli.Storage;

namespace FastLstm.Cli.Commands;

/// <summary>The MODEL argument of the commands that use a trained model: a model file, or a run folder holding one.</summary>
internal static class ModelArgument
{
    public static Argument<string> Create() => new("model") { Description = "A model file (model.fastlstm) or the run folder that holds one" };

    /// <summary>Loads the model a MODEL argument names; a folder means its model.fastlstm.</summary>
    public static SavedModel Load(string path, out string file)
    {
        file = Directory.Exists(path) && File.Exists(Path.Combine(path, ModelStore.FileName)) ? Path.Combine(path, ModelStore.FileName) : path;
        return ModelStore.Load(file);
    }

    /// <summary>The task a stored model was trained for, checked against what a command needs.</summary>
    public static string Task(SavedModel model, string command, params string[] accepted)
    {
        string task = model.Require("task");
        if (accepted.Length > 0 && !accepted.Contains(task))
        {
            throw CliException.Usage($"'fastlstm {command}' needs a {string.Join(" or ", accepted)} model; this one was trained for {task}.");
        }

        return task;
    }
}
