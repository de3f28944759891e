using System.Text.Json;
using FastLstm.Tests.Reference;

namespace FastLstm.Tests.Parity;

/// <summary>A tensor of a fixture file: row-major <paramref name="Data"/> of the given <paramref name="Shape"/>.</summary>
/// <param name="Shape">Dimensions, outermost first.</param>
/// <param name="Data">Values, C order; float32 inputs are their exact decimal expansions, so as double they are exact.</param>
public sealed record FixtureTensor(int[] Shape, double[] Data);

/// <summary>The stored gradients of one loss of a fixture.</summary>
/// <param name="X">dL/dx, laid out like x (batch-first when the file is).</param>
/// <param name="H0">dL/dh0, (L*D, B, Hout).</param>
/// <param name="C0">dL/dc0, (L*D, B, H), LSTM only.</param>
/// <param name="Params">dL/d(parameter) by name.</param>
public sealed record FixtureGrads(FixtureTensor X, FixtureTensor H0, FixtureTensor? C0, Dictionary<string, FixtureTensor> Params);

/// <summary>
/// One PyTorch golden case (format <c>peers-rnn-fixture/1</c>, see <c>shared/fixtures/README.md</c>), read with
/// System.Text.Json and checked for consistency: every shape agrees with the config and the parameters are exactly
/// <see cref="RefConfig.ParameterShapes"/>, in order.
/// </summary>
public sealed class FixtureCase
{
    /// <summary>The only format version this loader reads.</summary>
    public const string Format = "peers-rnn-fixture/1";

    /// <summary>Environment variable that overrides <see cref="DefaultFolder"/>.</summary>
    public const string FolderVariable = "FASTLSTM_FIXTURES";

    private FixtureCase()
    {
    }

    /// <summary>
    /// The fixture folder: <c>$FASTLSTM_FIXTURES</c> if set, else <c>Fixtures</c> beside the test assembly
    /// (the project copies <c>Fixtures/*.json</c> to the output directory).
    /// </summary>
    public static string DefaultFolder
    {
        get
        {
            string? overridden = Environment.GetEnvironmentVariable(FolderVariable);
            return string.IsNullOrWhiteSpace(overridden) ? Path.Combine(AppContext.BaseDirectory, "Fixtures") : overridden;
        }
    }

    /// <summary>The <c>case</c> field, e.g. <c>lstm_1layer</c>.</summary>
    public string Name { get; private init; } = "";

    /// <summary>Full path of the file read.</summary>
    public string FilePath { get; private init; } = "";

    /// <summary>The <c>mode</c> field: LSTM, GRU, RNN_TANH or RNN_RELU.</summary>
    public string Mode { get; private init; } = "";

    /// <summary>The network, from mode, config, peephole, linear_before_reset and bias.</summary>
    public RefConfig Config { get; private init; } = null!;

    /// <summary>T.</summary>
    public int SeqLen { get; private init; }

    /// <summary>B.</summary>
    public int Batch { get; private init; }

    /// <summary>Whether x, y, G and grads.x are stored (B, T, …); h0, h_n, c0, c_n never are.</summary>
    public bool BatchFirst { get; private init; }

    /// <summary>Parameters by name, float32 values.</summary>
    public Dictionary<string, FixtureTensor> Parameters { get; private init; } = [];

    /// <summary><c>param_names</c>: PyTorch's registration order.</summary>
    public IReadOnlyList<string> ParamNames { get; private init; } = [];

    /// <summary>x as stored: [T, B, I], or [B, T, I] when <see cref="BatchFirst"/>.</summary>
    public FixtureTensor X { get; private init; } = null!;

    /// <summary>h0, [L*D, B, Hout].</summary>
    public FixtureTensor H0 { get; private init; } = null!;

    /// <summary>c0, [L*D, B, H] (LSTM), else null.</summary>
    public FixtureTensor? C0 { get; private init; }

    /// <summary>Per-sequence lengths (B), or null when every sequence has length T.</summary>
    public int[]? Lengths { get; private init; }

    /// <summary>y as stored: [T, B, D*Hout] or [B, T, D*Hout]; float64.</summary>
    public FixtureTensor Y { get; private init; } = null!;

    /// <summary>h_n, [L*D, B, Hout]; float64.</summary>
    public FixtureTensor HN { get; private init; } = null!;

    /// <summary>c_n, [L*D, B, H] (LSTM), else null; float64.</summary>
    public FixtureTensor? CN { get; private init; }

    /// <summary><c>loss.G</c>, the upstream gradient of y, laid out like y.</summary>
    public FixtureTensor LossG { get; private init; } = null!;

    /// <summary><c>loss.Gh</c>, the upstream gradient of h_n.</summary>
    public FixtureTensor LossGh { get; private init; } = null!;

    /// <summary><c>loss.value</c> = sum(y*G) + sum(h_n*Gh).</summary>
    public double LossValue { get; private init; }

    /// <summary><c>loss_with_cn.Gc</c>, the upstream gradient of c_n, or null when the file has no loss_with_cn.</summary>
    public FixtureTensor? Gc { get; private init; }

    /// <summary><c>loss_with_cn.value</c> = LossValue + sum(c_n*Gc), or null.</summary>
    public double? LossWithCnValue { get; private init; }

    /// <summary>Gradients of the loss.</summary>
    public FixtureGrads Grads { get; private init; } = null!;

    /// <summary>Gradients of loss_with_cn, or null when absent.</summary>
    public FixtureGrads? GradsWithCn { get; private init; }

    /// <summary>x as (T, B, I), whatever the file's layout.</summary>
    public double[] TimeMajorX { get; private init; } = [];

    /// <summary>y as (T, B, D*Hout).</summary>
    public double[] TimeMajorY { get; private init; } = [];

    /// <summary>G as (T, B, D*Hout).</summary>
    public double[] TimeMajorG { get; private init; } = [];

    /// <summary>grads.x as (T, B, I).</summary>
    public double[] TimeMajorGradX { get; private init; } = [];

    /// <summary>grads_with_cn.x as (T, B, I), or null.</summary>
    public double[]? TimeMajorGradWithCnX { get; private init; }

    /// <summary>The parameter values by name, as the reference (and an engine) take them.</summary>
    /// <returns>A new dictionary sharing the data arrays.</returns>
    public Dictionary<string, double[]> ParameterValues()
    {
        var values = new Dictionary<string, double[]>();
        foreach (KeyValuePair<string, FixtureTensor> parameter in Parameters)
        {
            values[parameter.Key] = parameter.Value.Data;
        }

        return values;
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>Every <c>*.json</c> of a folder, sorted by file name (ordinal).</summary>
    /// <param name="folder">The folder; <see cref="DefaultFolder"/> when null.</param>
    /// <returns>Full paths; empty when the folder does not exist.</returns>
    public static IReadOnlyList<string> FindAll(string? folder = null)
    {
        folder ??= DefaultFolder;
        if (!Directory.Exists(folder))
        {
            return [];
        }

        string[] files = Directory.GetFiles(folder, "*.json");
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }

    /// <summary>Reads and checks one fixture file.</summary>
    /// <param name="path">The JSON file.</param>
    /// <returns>The case.</returns>
    /// <exception cref="InvalidDataException">
    /// A field is missing, malformed, inconsistent with the config, or describes something unsupported; the message
    /// names the file and the field.
    /// </exception>
    public static FixtureCase Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = Path.GetFullPath(path);
        using JsonDocument document = ParseDocument(fullPath);
        var reader = new Reader(fullPath);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw reader.Error("(root)", "expected a JSON object");
        }

        string format = reader.String(root, "format");
        if (format != Format)
        {
            throw reader.Error("format", $"unsupported format '{format}', expected '{Format}'");
        }

        string mode = reader.String(root, "mode");
        RefCell cell = mode switch
        {
            "LSTM" => RefCell.Lstm,
            "GRU" => RefCell.Gru,
            "RNN_TANH" => RefCell.RnnTanh,
            "RNN_RELU" => RefCell.RnnRelu,
            _ => throw reader.Error("mode", $"unsupported mode '{mode}' (expected LSTM, GRU, RNN_TANH or RNN_RELU)"),
        };

        JsonElement config = reader.Object(root, "config");
        int inputSize = reader.Int(config, "config.input_size");
        int hiddenSize = reader.Int(config, "config.hidden_size");
        int projSize = reader.OptionalInt(config, "config.proj_size") ?? 0;
        int numLayers = reader.Int(config, "config.num_layers");
        bool bidirectional = reader.Bool(config, "config.bidirectional");
        bool batchFirst = reader.Bool(config, "config.batch_first");
        bool bias = reader.OptionalBool(config, "config.bias") ?? true;
        int seqLen = reader.Int(config, "config.seq_len");
        int batch = reader.Int(config, "config.batch");
        bool variableLengths = reader.OptionalBool(config, "config.variable_lengths") ?? false;
        bool peephole = reader.OptionalBool(config, "config.peephole") ?? false;
        bool linearBeforeReset = reader.OptionalBool(config, "config.linear_before_reset") ?? true;

        double dropout = reader.OptionalDouble(config, "config.dropout") ?? 0.0;
        if (dropout != 0.0)
        {
            throw reader.Error("config.dropout", $"dropout {dropout} is not supported (only 0)");
        }

        int? numDirections = reader.OptionalInt(config, "config.num_directions");
        if (numDirections is not null && numDirections != (bidirectional ? 2 : 1))
        {
            throw reader.Error("config.num_directions", $"{numDirections} disagrees with bidirectional = {bidirectional}");
        }

        string? nonlinearity = reader.OptionalString(config, "config.nonlinearity");
        if (nonlinearity is not null && (cell is RefCell.RnnTanh or RefCell.RnnRelu)
            && nonlinearity != (cell == RefCell.RnnTanh ? "tanh" : "relu"))
        {
            throw reader.Error("config.nonlinearity", $"'{nonlinearity}' disagrees with mode {mode}");
        }

        if (!linearBeforeReset && cell != RefCell.Gru)
        {
            throw reader.Error("config.linear_before_reset", $"false is defined for GRU only, not {mode}");
        }

        if (seqLen < 1 || batch < 1)
        {
            throw reader.Error("config.seq_len", $"T = {seqLen} and B = {batch} must be >= 1");
        }

        var refConfig = new RefConfig(cell, inputSize, hiddenSize, numLayers, bidirectional, projSize, peephole,
            cell != RefCell.Gru || linearBeforeReset, bias);
        try
        {
            refConfig.Validate();
        }
        catch (ArgumentException exception)
        {
            string field = exception.ParamName switch
            {
                nameof(RefConfig.ProjSize) => "config.proj_size",
                nameof(RefConfig.Peephole) => "config.peephole",
                _ => "config",
            };
            throw reader.Error(field, $"unsupported network: {exception.Message}");
        }

        int d2 = refConfig.Directions;
        int hOut = refConfig.OutputHidden;
        int states = numLayers * d2;
        bool lstm = refConfig.HasCell;
        int[] SequenceShape(int features) => batchFirst ? [batch, seqLen, features] : [seqLen, batch, features];
        int[] hShape = [states, batch, hOut];
        int[] cShape = [states, batch, hiddenSize];

        // Parameters: exactly the config's, in PyTorch's registration order.
        IReadOnlyList<(string Name, int[] Shape)> expectedParams = refConfig.ParameterShapes();
        List<string> paramNames = reader.StringArray(root, "param_names");
        if (paramNames.Count != expectedParams.Count
            || !paramNames.SequenceEqual(expectedParams.Select(p => p.Name), StringComparer.Ordinal))
        {
            throw reader.Error("param_names",
                $"[{string.Join(", ", paramNames)}] is not the config's [{string.Join(", ", expectedParams.Select(p => p.Name))}]");
        }

        JsonElement paramsElement = reader.Object(root, "params");
        Dictionary<string, FixtureTensor> parameters = reader.TensorSet(paramsElement, "params", expectedParams);

        JsonElement inputs = reader.Object(root, "inputs");
        FixtureTensor x = reader.Tensor(inputs, "inputs.x", SequenceShape(inputSize));
        FixtureTensor h0 = reader.Tensor(inputs, "inputs.h0", hShape);
        FixtureTensor? c0 = reader.CellTensor(inputs, "inputs.c0", cShape, lstm);
        int[]? lengths = null;
        if (inputs.TryGetProperty("lengths", out _))
        {
            FixtureTensor lengthTensor = reader.Tensor(inputs, "inputs.lengths", [batch]);
            lengths = new int[batch];
            for (int b = 0; b < batch; b++)
            {
                double value = lengthTensor.Data[b];
                if (value != Math.Floor(value) || value < 0 || value > seqLen)
                {
                    throw reader.Error("inputs.lengths", $"length {value} is not an integer in 0 … T = {seqLen}");
                }

                lengths[b] = (int)value;
            }
        }
        else if (variableLengths)
        {
            throw reader.Error("inputs.lengths", "missing, but config.variable_lengths is true");
        }

        JsonElement outputs = reader.Object(root, "outputs");
        FixtureTensor y = reader.Tensor(outputs, "outputs.y", SequenceShape(d2 * hOut));
        FixtureTensor hN = reader.Tensor(outputs, "outputs.h_n", hShape);
        FixtureTensor? cN = reader.CellTensor(outputs, "outputs.c_n", cShape, lstm);

        JsonElement loss = reader.Object(root, "loss");
        FixtureTensor lossG = reader.Tensor(loss, "loss.G", SequenceShape(d2 * hOut));
        FixtureTensor lossGh = reader.Tensor(loss, "loss.Gh", hShape);
        double lossValue = reader.Double(loss, "loss.value");

        FixtureGrads ReadGrads(JsonElement element, string field) => new(
            reader.Tensor(element, field + ".x", SequenceShape(inputSize)),
            reader.Tensor(element, field + ".h0", hShape),
            reader.CellTensor(element, field + ".c0", cShape, lstm),
            reader.TensorSet(reader.Object(element, field + ".params"), field + ".params", expectedParams));

        FixtureGrads grads = ReadGrads(reader.Object(root, "grads"), "grads");

        FixtureTensor? gc = null;
        double? lossWithCnValue = null;
        FixtureGrads? gradsWithCn = null;
        bool hasLossWithCn = root.TryGetProperty("loss_with_cn", out _);
        bool hasGradsWithCn = root.TryGetProperty("grads_with_cn", out _);
        if (hasLossWithCn != hasGradsWithCn)
        {
            throw reader.Error(hasLossWithCn ? "grads_with_cn" : "loss_with_cn", "loss_with_cn and grads_with_cn come together");
        }

        if (hasLossWithCn)
        {
            if (!lstm)
            {
                throw reader.Error("loss_with_cn", $"defined for LSTM only, not {mode}");
            }

            JsonElement lossWithCn = reader.Object(root, "loss_with_cn");
            gc = reader.Tensor(lossWithCn, "loss_with_cn.Gc", cShape);
            lossWithCnValue = reader.Double(lossWithCn, "loss_with_cn.value");
            gradsWithCn = ReadGrads(reader.Object(root, "grads_with_cn"), "grads_with_cn");
        }

        return new FixtureCase
        {
            Name = reader.String(root, "case"),
            FilePath = fullPath,
            Mode = mode,
            Config = refConfig,
            SeqLen = seqLen,
            Batch = batch,
            BatchFirst = batchFirst,
            Parameters = parameters,
            ParamNames = paramNames,
            X = x,
            H0 = h0,
            C0 = c0,
            Lengths = lengths,
            Y = y,
            HN = hN,
            CN = cN,
            LossG = lossG,
            LossGh = lossGh,
            LossValue = lossValue,
            Gc = gc,
            LossWithCnValue = lossWithCnValue,
            Grads = grads,
            GradsWithCn = gradsWithCn,
            TimeMajorX = batchFirst ? SwapLeadingAxes(x.Data, batch, seqLen, inputSize) : x.Data,
            TimeMajorY = batchFirst ? SwapLeadingAxes(y.Data, batch, seqLen, d2 * hOut) : y.Data,
            TimeMajorG = batchFirst ? SwapLeadingAxes(lossG.Data, batch, seqLen, d2 * hOut) : lossG.Data,
            TimeMajorGradX = batchFirst ? SwapLeadingAxes(grads.X.Data, batch, seqLen, inputSize) : grads.X.Data,
            TimeMajorGradWithCnX = gradsWithCn is null ? null
                : batchFirst ? SwapLeadingAxes(gradsWithCn.X.Data, batch, seqLen, inputSize) : gradsWithCn.X.Data,
        };
    }

    /// <summary>(n0, n1, features) → (n1, n0, features): batch-first to time-major and back.</summary>
    /// <param name="data">Row-major (n0, n1, features).</param>
    /// <param name="n0">Leading dimension of <paramref name="data"/>.</param>
    /// <param name="n1">Second dimension of <paramref name="data"/>.</param>
    /// <param name="features">Innermost dimension.</param>
    /// <returns>A new row-major (n1, n0, features) array.</returns>
    public static double[] SwapLeadingAxes(double[] data, int n0, int n1, int features)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length != n0 * n1 * features)
        {
            throw new ArgumentException($"Expected {n0 * n1 * features} values, got {data.Length}.", nameof(data));
        }

        var result = new double[data.Length];
        for (int i = 0; i < n0; i++)
        {
            for (int j = 0; j < n1; j++)
            {
                Array.Copy(data, ((i * n1) + j) * features, result, ((j * n0) + i) * features, features);
            }
        }

        return result;
    }

    private static JsonDocument ParseDocument(string fullPath)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(fullPath));
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"{fullPath}: not valid JSON: {exception.Message}", exception);
        }
    }

    /// <summary>Typed field access that names the file and the field in every error.</summary>
    private sealed class Reader(string path)
    {
        public InvalidDataException Error(string field, string message) =>
            new($"{path}: field '{field}': {message}.");

        public JsonElement Object(JsonElement parent, string field) =>
            Required(parent, field, JsonValueKind.Object);

        public string String(JsonElement parent, string field) =>
            Required(parent, field, JsonValueKind.String).GetString()!;

        public string? OptionalString(JsonElement parent, string field)
        {
            JsonElement? element = Optional(parent, field);
            return element?.ValueKind == JsonValueKind.String ? element.Value.GetString()
                : element is null ? null
                : throw Error(field, $"expected a string or null, found {element.Value.ValueKind}");
        }

        public bool Bool(JsonElement parent, string field) =>
            OptionalBool(parent, field) ?? throw Error(field, "missing");

        public bool? OptionalBool(JsonElement parent, string field)
        {
            JsonElement? element = Optional(parent, field);
            return element?.ValueKind switch
            {
                null => null,
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Error(field, $"expected true or false, found {element.Value.ValueKind}"),
            };
        }

        public int Int(JsonElement parent, string field) =>
            OptionalInt(parent, field) ?? throw Error(field, "missing");

        public int? OptionalInt(JsonElement parent, string field)
        {
            JsonElement? element = Optional(parent, field);
            if (element is null)
            {
                return null;
            }

            return element.Value.ValueKind == JsonValueKind.Number && element.Value.TryGetInt32(out int value)
                ? value
                : throw Error(field, $"expected an integer, found {element.Value}");
        }

        public double Double(JsonElement parent, string field) =>
            OptionalDouble(parent, field) ?? throw Error(field, "missing");

        public double? OptionalDouble(JsonElement parent, string field)
        {
            JsonElement? element = Optional(parent, field);
            if (element is null)
            {
                return null;
            }

            return element.Value.ValueKind == JsonValueKind.Number
                ? element.Value.GetDouble()
                : throw Error(field, $"expected a number, found {element.Value.ValueKind}");
        }

        public List<string> StringArray(JsonElement parent, string field)
        {
            JsonElement array = Required(parent, field, JsonValueKind.Array);
            var result = new List<string>();
            foreach (JsonElement item in array.EnumerateArray())
            {
                result.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : throw Error(field, "expected strings"));
            }

            return result;
        }

        /// <summary>Reads <c>{"shape": [...], "data": [...]}</c> and checks its shape against <paramref name="expectedShape"/>.</summary>
        public FixtureTensor Tensor(JsonElement parent, string field, int[] expectedShape)
        {
            JsonElement tensor = Required(parent, field, JsonValueKind.Object);
            JsonElement shapeElement = Required(tensor, field + ".shape", JsonValueKind.Array);
            var shape = new int[shapeElement.GetArrayLength()];
            int count = 1;
            int k = 0;
            foreach (JsonElement dimension in shapeElement.EnumerateArray())
            {
                if (dimension.ValueKind != JsonValueKind.Number || !dimension.TryGetInt32(out shape[k]) || shape[k] < 0)
                {
                    throw Error(field + ".shape", "expected non-negative integers");
                }

                count *= shape[k++];
            }

            if (!shape.AsSpan().SequenceEqual(expectedShape))
            {
                throw Error(field + ".shape", $"[{string.Join(", ", shape)}] is not the expected [{string.Join(", ", expectedShape)}]");
            }

            JsonElement dataElement = Required(tensor, field + ".data", JsonValueKind.Array);
            if (dataElement.GetArrayLength() != count)
            {
                throw Error(field + ".data", $"{dataElement.GetArrayLength()} values for shape [{string.Join(", ", shape)}] ({count})");
            }

            var data = new double[count];
            k = 0;
            foreach (JsonElement value in dataElement.EnumerateArray())
            {
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out data[k]) || !double.IsFinite(data[k]))
                {
                    throw Error(field + ".data", $"element {k} is not a finite number");
                }

                k++;
            }

            return new FixtureTensor(shape, data);
        }

        /// <summary>c0 / c_n / grads c0: required for an LSTM, absent (or null) otherwise.</summary>
        public FixtureTensor? CellTensor(JsonElement parent, string field, int[] expectedShape, bool lstm)
        {
            if (lstm)
            {
                return Tensor(parent, field, expectedShape);
            }

            return Optional(parent, field) is null ? null : throw Error(field, "present, but only an LSTM has a cell state");
        }

        /// <summary>An object holding exactly the named tensors of <paramref name="expected"/>.</summary>
        public Dictionary<string, FixtureTensor> TensorSet(JsonElement element, string field, IReadOnlyList<(string Name, int[] Shape)> expected)
        {
            var result = new Dictionary<string, FixtureTensor>(StringComparer.Ordinal);
            foreach ((string name, int[] shape) in expected)
            {
                result[name] = Tensor(element, field + "." + name, shape);
            }

            foreach (JsonProperty property in element.EnumerateObject())
            {
                if (!result.ContainsKey(property.Name))
                {
                    throw Error(field + "." + property.Name, "unexpected parameter for this config");
                }
            }

            return result;
        }

        private JsonElement Required(JsonElement parent, string field, JsonValueKind kind)
        {
            JsonElement element = Optional(parent, field) ?? throw Error(field, "missing");
            return element.ValueKind == kind ? element : throw Error(field, $"expected {kind}, found {element.ValueKind}");
        }

        /// <summary>The property named by the last segment of <paramref name="field"/>; null when absent or JSON null.</summary>
        private static JsonElement? Optional(JsonElement parent, string field)
        {
            string name = field[(field.LastIndexOf('.') + 1)..];
            return parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out JsonElement element)
                && element.ValueKind != JsonValueKind.Null
                ? element
                : null;
        }
    }
}
