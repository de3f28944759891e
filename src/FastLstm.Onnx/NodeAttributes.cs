using System.Text;
using FastLstm.Onnx.Protos;
using AttributeType = FastLstm.Onnx.Protos.AttributeProto.Types.AttributeType;

namespace FastLstm.Onnx;

/// <summary>
/// A node's attributes by name, each read with its type checked. Unknown attribute names are rejected up front by
/// <see cref="Allow"/>, so an attribute the runner would ignore can never change a result silently.
/// </summary>
internal sealed class NodeAttributes
{
    private readonly Dictionary<string, AttributeProto> _byName = new(StringComparer.Ordinal);
    private readonly string _where;

    public NodeAttributes(IEnumerable<AttributeProto> attributes, string where)
    {
        _where = where;
        foreach (AttributeProto attribute in attributes)
        {
            if (attribute.HasRefAttrName && attribute.RefAttrName.Length > 0)
            {
                OnnxThrow.Fail($"{where}: attribute {OnnxThrow.Quote(attribute.Name)} refers to a function attribute; functions are not supported.");
            }

            if (!_byName.TryAdd(attribute.Name, attribute))
            {
                OnnxThrow.Fail($"{where}: attribute {OnnxThrow.Quote(attribute.Name)} appears twice.");
            }
        }
    }

    public bool Has(string name) => _byName.ContainsKey(name);

    /// <summary>Rejects any attribute not in <paramref name="allowed"/>, naming it.</summary>
    public void Allow(params string[] allowed)
    {
        foreach (string name in _byName.Keys)
        {
            if (Array.IndexOf(allowed, name) < 0)
            {
                OnnxThrow.Fail(
                    $"{_where}: attribute {OnnxThrow.Quote(name)} is not supported" +
                    (allowed.Length == 0 ? " (this operator takes no attributes)." : $"; supported: {string.Join(", ", allowed)}."));
            }
        }
    }

    public long Int(string name, long fallback) => Get(name, AttributeType.Int) is { } a ? a.I : fallback;

    public float Float(string name, float fallback) => Get(name, AttributeType.Float) is { } a ? a.F : fallback;

    public string? String(string name) => Get(name, AttributeType.String) is { } a ? Utf8(a.S.Span, name) : null;

    public long[]? Ints(string name) => Get(name, AttributeType.Ints) is { } a ? [.. a.Ints] : null;

    public float[]? Floats(string name) => Get(name, AttributeType.Floats) is { } a ? [.. a.Floats] : null;

    public string[]? Strings(string name)
    {
        if (Get(name, AttributeType.Strings) is not { } a)
        {
            return null;
        }

        var values = new string[a.Strings.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Utf8(a.Strings[i].Span, name);
        }

        return values;
    }

    public OnnxTensor? Tensor(string name) =>
        Get(name, AttributeType.Tensor) is { } a
            ? TensorCodec.Decode(a.T ?? new TensorProto(), $"{_where}: attribute {OnnxThrow.Quote(name)}")
            : null;

    /// <summary>The attribute's type, for operators whose attribute may come in several types (Constant).</summary>
    public AttributeType? TypeOf(string name) => _byName.TryGetValue(name, out AttributeProto? a) ? a.Type : null;

    private AttributeProto? Get(string name, AttributeType type)
    {
        if (!_byName.TryGetValue(name, out AttributeProto? attribute))
        {
            return null;
        }

        if (attribute.Type != type)
        {
            OnnxThrow.Fail($"{_where}: attribute {OnnxThrow.Quote(name)} must be of type {type}; it is {attribute.Type}.");
        }

        return attribute;
    }

    private string Utf8(ReadOnlySpan<byte> bytes, string name)
    {
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            OnnxThrow.Fail($"{_where}: attribute {OnnxThrow.Quote(name)} is not valid UTF-8.");
        }

        return Encoding.UTF8.GetString(bytes);
    }
}
