namespace FastLstm;

/// <summary>
/// One named tensor of a model (PyTorch's name and shape) and its gradient. Values and gradients are views
/// into the owning <see cref="ParameterList"/>'s flat buffers, so optimizers can sweep all of them at once.
/// </summary>
/// <remarks>
/// Thread-safety: reading values from several threads is safe; writing while another thread runs the model is not.
/// </remarks>
public sealed class Parameter
{
    private readonly ParameterList _owner;
    private readonly int[] _shape;

    internal Parameter(ParameterList owner, string name, int[] shape, int offset)
    {
        _owner = owner;
        Name = name;
        _shape = shape;
        Offset = offset;
        Length = 1;
        foreach (int dim in shape)
        {
            Length *= dim;
        }
    }

    /// <summary>PyTorch's state_dict name, e.g. <c>weight_hh_l1_reverse</c>.</summary>
    public string Name { get; }

    /// <summary>The shape, row-major, e.g. [4·H, H] for an LSTM's weight_hh.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>Number of elements.</summary>
    public int Length { get; }

    /// <summary>Offset of the first element in <see cref="ParameterList.Values"/>.</summary>
    public int Offset { get; }

    /// <summary>
    /// The values, writable in place. After writing through this span call <see cref="ParameterList.MarkChanged"/>
    /// so derived data (packed weights) is rebuilt; <c>CopyFrom</c> does that itself.
    /// </summary>
    public Span<float> Values => _owner.Values.Slice(Offset, Length);

    /// <summary>The accumulated gradient (backward passes add to it; <see cref="ParameterList.ZeroGradients"/> clears it).</summary>
    public Span<float> Gradients => _owner.Gradients.Slice(Offset, Length);

    /// <summary>The shape as text, e.g. "[24, 5]", for messages.</summary>
    public string ShapeText => FormatShape(_shape);

    /// <summary>Copies <paramref name="values"/> (row-major, of shape <paramref name="shape"/>) into this parameter.</summary>
    /// <exception cref="ArgumentException">The shape differs from <see cref="Shape"/>, or the value count from the shape's.</exception>
    public void CopyFrom(ReadOnlySpan<float> values, ReadOnlySpan<int> shape)
    {
        if (!shape.SequenceEqual(_shape))
        {
            throw new ArgumentException($"Parameter '{Name}' has shape {ShapeText}; got shape {FormatShape(shape)}.", nameof(shape));
        }

        CopyFrom(values);
    }

    /// <summary>Copies <see cref="Length"/> row-major values into this parameter.</summary>
    /// <exception cref="ArgumentException">The count differs from <see cref="Length"/>.</exception>
    public void CopyFrom(ReadOnlySpan<float> values)
    {
        if (values.Length != Length)
        {
            throw new ArgumentException(
                $"Parameter '{Name}' of shape {ShapeText} needs {Length} values; got {values.Length}.", nameof(values));
        }

        values.CopyTo(Values);
        _owner.MarkChanged();
    }

    /// <summary>Formats a shape as "[a, b]".</summary>
    internal static string FormatShape(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";
}
