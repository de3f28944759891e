namespace FastLstm.Tests.Serialization;

/// <summary>Prefix → parameters lists, the shape of a PyTorch model's state_dict made of several modules.</summary>
internal static class Modules
{
    public static KeyValuePair<string, ParameterList>[] Of(params (string Prefix, ParameterList Parameters)[] modules) =>
        Array.ConvertAll(modules, m => new KeyValuePair<string, ParameterList>(m.Prefix, m.Parameters));
}
