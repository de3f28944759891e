namespace FastLstm.Cli.Storage;

/// <summary>Source-generated JSON contracts of the tool (string lists in model metadata).</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
internal sealed partial class CliJson : System.Text.Json.Serialization.JsonSerializerContext;
