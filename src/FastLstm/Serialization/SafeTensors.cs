namespace FastLstm;

/// <summary>
/// Moves parameters between FastLstm models and safetensors files under PyTorch's state_dict names, so
/// <c>safetensors.torch.save_file(model.state_dict(), path)</c> loads into a FastLstm model of the same configuration
/// and a FastLstm model saves into a file PyTorch's <c>load_state_dict(safetensors.torch.load_file(path))</c> accepts.
/// </summary>
/// <remarks>
/// <para>Names: a module's parameters are keyed <c>prefix + name</c>, like a PyTorch module nested in another: with
/// prefix <c>"rnn."</c> the recurrent stack's <c>weight_ih_l0</c> is <c>rnn.weight_ih_l0</c>, with <c>"head."</c> a
/// <see cref="Dense"/>'s <c>weight</c> is <c>head.weight</c>. Gate order is PyTorch's (<see cref="GateOrder"/>), so
/// values copy 1:1; FastLstm's peephole weights (<c>weight_peephole_l{k}</c>, which PyTorch has no counterpart for)
/// are stored under that name.</para>
/// <para>Loading is all-or-nothing: every tensor is checked (present, floating-point, same shape) and converted before
/// the first value is written, so a failed load leaves the model unchanged. F16, BF16 and F64 tensors convert to
/// float; saving writes F32.</para>
/// <para>Thread-safety: loading writes the parameters; do not run the model on another thread meanwhile.</para>
/// </remarks>
public static class SafeTensors
{
    /// <summary>Saves one module's parameters, keyed <c>prefix + name</c>, atomically.</summary>
    /// <param name="path">The target file; created or replaced (a failure midway leaves the old file intact).</param>
    /// <param name="parameters">The module's parameters, e.g. <see cref="RecurrentLayer.Parameters"/>.</param>
    /// <param name="prefix">Prepended to every name, e.g. <c>"rnn."</c>; empty for none.</param>
    /// <param name="metadata">The file's <c>__metadata__</c> map, or null.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(string path, ParameterList parameters, string prefix = "", IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(prefix);
        Save(path, [new KeyValuePair<string, ParameterList>(prefix, parameters)], metadata);
    }

    /// <summary>Saves several modules' parameters into one file, each keyed by its own prefix (a PyTorch model's state_dict).</summary>
    /// <param name="path">The target file; created or replaced atomically.</param>
    /// <param name="modules">Prefix → parameters, e.g. <c>{"rnn.": layer.Parameters, "head.": head.Parameters}</c>.</param>
    /// <param name="metadata">The file's <c>__metadata__</c> map, or null.</param>
    /// <exception cref="ArgumentException">Two parameters end up with the same key.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(string path, IEnumerable<KeyValuePair<string, ParameterList>> modules, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SafeTensorsFile.Write(path, ToTensors(modules), metadata);
    }

    /// <summary>The parameters of several modules as F32 tensors keyed <c>prefix + name</c>.</summary>
    /// <param name="modules">Prefix → parameters.</param>
    public static IReadOnlyList<SafeTensor> ToTensors(IEnumerable<KeyValuePair<string, ParameterList>> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        var tensors = new List<SafeTensor>();
        foreach ((string prefix, ParameterList parameters) in modules)
        {
            ArgumentNullException.ThrowIfNull(prefix, nameof(modules));
            ArgumentNullException.ThrowIfNull(parameters, nameof(modules));
            foreach (Parameter parameter in parameters)
            {
                tensors.Add(new SafeTensor(prefix + parameter.Name, parameter.Shape, parameter.Values));
            }
        }

        return tensors;
    }

    /// <summary>Loads one module's parameters from a file.</summary>
    /// <param name="path">A safetensors file.</param>
    /// <param name="parameters">Receives the values.</param>
    /// <param name="prefix">The module's key prefix, e.g. <c>"rnn."</c>; empty for none.</param>
    /// <param name="strict">Like PyTorch's <c>load_state_dict(strict=True)</c>: also reject tensors under the prefix
    /// that name no parameter (with an empty prefix: any extra tensor). Missing parameters are always an error.</param>
    /// <exception cref="ModelFormatException">The file is invalid, or a parameter is missing, unexpected, of another shape
    /// or of a non-float dtype; the message names the tensor with expected and actual values.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static void LoadInto(string path, ParameterList parameters, string prefix = "", bool strict = true) =>
        LoadInto(SafeTensorsFile.Read(path), parameters, prefix, strict);

    /// <summary>Loads one module's parameters from a file already read.</summary>
    /// <inheritdoc cref="LoadInto(string, ParameterList, string, bool)"/>
    public static void LoadInto(SafeTensorsFile file, ParameterList parameters, string prefix = "", bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(prefix);
        LoadInto(file, [new KeyValuePair<string, ParameterList>(prefix, parameters)], strict);
    }

    /// <summary>Loads several modules' parameters from one file, each under its own prefix (a PyTorch model's state_dict).</summary>
    /// <param name="path">A safetensors file.</param>
    /// <param name="modules">Prefix → parameters, e.g. <c>{"rnn.": layer.Parameters, "head.": head.Parameters}</c>.</param>
    /// <param name="strict">Also reject tensors that belong to none of the modules' parameters.</param>
    /// <exception cref="ModelFormatException">The file is invalid, or a parameter is missing, unexpected, of another shape
    /// or of a non-float dtype; the message names the tensor with expected and actual values.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static void LoadInto(string path, IEnumerable<KeyValuePair<string, ParameterList>> modules, bool strict = true) =>
        LoadInto(SafeTensorsFile.Read(path), modules, strict);

    /// <summary>Loads several modules' parameters from a file already read.</summary>
    /// <inheritdoc cref="LoadInto(string, IEnumerable{KeyValuePair{string, ParameterList}}, bool)"/>
    public static void LoadInto(SafeTensorsFile file, IEnumerable<KeyValuePair<string, ParameterList>> modules, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(modules);
        var list = new List<KeyValuePair<string, ParameterList>>(modules);
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        var staged = new List<(Parameter Parameter, float[] Values)>();

        // Check and convert everything first: a failure must leave every parameter as it was.
        foreach ((string prefix, ParameterList parameters) in list)
        {
            ArgumentNullException.ThrowIfNull(prefix, nameof(modules));
            ArgumentNullException.ThrowIfNull(parameters, nameof(modules));
            foreach (Parameter parameter in parameters)
            {
                string key = prefix + parameter.Name;
                if (!file.TryGetTensor(key, out SafeTensor? tensor))
                {
                    throw new ModelFormatException(
                        $"The file has no tensor '{key}' (parameter {parameter.Name}, shape {parameter.ShapeText}); " +
                        $"it holds: {Names(file)}.");
                }

                if (!tensor.IsFloatingPoint)
                {
                    throw new ModelFormatException(
                        $"Tensor '{key}' has dtype {SafeTensorsDTypeInfo.Name(tensor.DType)}; parameters load from F32, F16, BF16 or F64.");
                }

                if (!tensor.Shape.SequenceEqual(parameter.Shape))
                {
                    throw new ModelFormatException(
                        $"Tensor '{key}' has shape {tensor.ShapeText}; the parameter needs {parameter.ShapeText} " +
                        "(is the model configured like the one that wrote the file?).");
                }

                claimed.Add(key);
                staged.Add((parameter, tensor.ToSingles()));
            }
        }

        if (strict)
        {
            foreach (SafeTensor tensor in file.Tensors)
            {
                if (!claimed.Contains(tensor.Name) && IsUnderAPrefix(tensor.Name, list))
                {
                    throw new ModelFormatException(
                        $"The file has the tensor '{tensor.Name}' (shape {tensor.ShapeText}), which names no parameter of the model; " +
                        "load with strict: false to ignore it.");
                }
            }
        }

        foreach ((Parameter parameter, float[] values) in staged)
        {
            parameter.CopyFrom(values);
        }
    }

    private static bool IsUnderAPrefix(string name, List<KeyValuePair<string, ParameterList>> modules)
    {
        // With one module, only its prefix's namespace is checked (other modules' tensors may share the file);
        // with several, the file is taken to be the whole model's state_dict.
        if (modules.Count != 1)
        {
            return true;
        }

        return name.StartsWith(modules[0].Key, StringComparison.Ordinal);
    }

    private static string Names(SafeTensorsFile file)
    {
        const int Shown = 20;
        var names = new List<string>();
        foreach (SafeTensor tensor in file.Tensors)
        {
            if (names.Count == Shown)
            {
                names.Add($"… ({file.Tensors.Count - Shown} more)");
                break;
            }

            names.Add(tensor.Name);
        }

        return names.Count == 0 ? "no tensors" : string.Join(", ", names);
    }
}
