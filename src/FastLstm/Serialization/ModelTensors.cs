using FastLstm.Training;

namespace FastLstm.Serialization;

/// <summary>
/// The tensors of a <see cref="RecurrentModel"/> in file order, with their names in the file: the parameter lists in
/// <see cref="RecurrentModel.Parameters"/> order, each name prefixed by its part, PyTorch state_dict style
/// (<c>embedding.weight</c>, <c>rnn.weight_ih_l0</c>, …, <c>head.weight</c>, <c>head.bias</c>).
/// </summary>
internal static class ModelTensors
{
    public const string EmbeddingPrefix = "embedding.";
    public const string RecurrentPrefix = "rnn.";
    public const string HeadPrefix = "head.";

    /// <summary>The prefix of list <paramref name="listIndex"/> of <paramref name="model"/>.</summary>
    public static string Prefix(RecurrentModel model, int listIndex)
    {
        int offset = model.Embedding is null ? 1 : 0;
        return (listIndex + offset) switch
        {
            0 => EmbeddingPrefix,
            1 => RecurrentPrefix,
            _ => HeadPrefix,
        };
    }

    /// <summary>The number of tensors of the model.</summary>
    public static int Count(RecurrentModel model)
    {
        int count = 0;
        foreach (ParameterList list in model.Parameters)
        {
            count += list.Count;
        }

        return count;
    }
}
