using System.Collections;

namespace FastLstm;

/// <summary>
/// The parameters of a model in PyTorch's registration order, readable and writable by name, stored in one
/// flat value buffer and one flat gradient buffer of the same layout.
/// </summary>
public sealed class ParameterList : IReadOnlyList<Parameter>
{
    private readonly List<Parameter> _ordered = [];
    private readonly Dictionary<string, Parameter> _byName = new(StringComparer.Ordinal);
    private float[] _values = [];
    private float[] _gradients = [];

    /// <summary>All values, parameter after parameter, in registration order.</summary>
    public Span<float> Values => _values;

    /// <summary>All gradients, in the same layout as <see cref="Values"/>.</summary>
    public Span<float> Gradients => _gradients;

    /// <summary>Total number of scalar parameters.</summary>
    public int TotalLength => _values.Length;

    /// <summary>
    /// Increases on every change of the values made through this API or announced by <see cref="MarkChanged"/>;
    /// kernels that keep a packed copy of weights compare it to know when to repack.
    /// </summary>
    public long Version { get; private set; }

    /// <inheritdoc/>
    public int Count => _ordered.Count;

    /// <inheritdoc/>
    public Parameter this[int index] => _ordered[index];

    /// <summary>The parameter called <paramref name="name"/> (PyTorch's state_dict name).</summary>
    /// <exception cref="ArgumentException">No parameter has that name; the message lists the names there are.</exception>
    public Parameter this[string name]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(name);
            if (_byName.TryGetValue(name, out Parameter? parameter))
            {
                return parameter;
            }

            throw new ArgumentException(
                $"No parameter named '{name}'; expected one of: {string.Join(", ", _byName.Keys)}.", nameof(name));
        }
    }

    /// <summary>Looks a parameter up by name without throwing.</summary>
    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Parameter? parameter) =>
        _byName.TryGetValue(name, out parameter);

    /// <summary>Sets every gradient to zero (PyTorch's zero_grad).</summary>
    public void ZeroGradients() => Array.Clear(_gradients);

    /// <summary>Announces that values were written in place (optimizer step, manual edit).</summary>
    public void MarkChanged() => Version++;

    /// <inheritdoc/>
    public IEnumerator<Parameter> GetEnumerator() => _ordered.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Registers a parameter; called while a model is built, before <see cref="Allocate"/>.</summary>
    internal Parameter Add(string name, params int[] shape)
    {
        int offset = _ordered.Count == 0 ? 0 : _ordered[^1].Offset + _ordered[^1].Length;
        var parameter = new Parameter(this, name, shape, offset);
        _ordered.Add(parameter);
        _byName.Add(name, parameter);
        return parameter;
    }

    /// <summary>Allocates the flat buffers once all parameters are registered.</summary>
    internal void Allocate()
    {
        int total = _ordered.Count == 0 ? 0 : _ordered[^1].Offset + _ordered[^1].Length;
        _values = new float[total];
        _gradients = new float[total];
    }
}
