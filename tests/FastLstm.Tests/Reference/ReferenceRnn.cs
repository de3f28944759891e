namespace FastLstm.Tests.Reference;

/// <summary>
/// The slow, obviously-correct float64 oracle of a PyTorch-semantics RNN / LSTM / GRU stack: each sequence of the
/// batch, each layer and direction runs on its own, one step at a time, through <see cref="ReferenceCells"/>.
/// Backward is a hand-written backpropagation through time over the steps the forward pass recorded.
/// </summary>
/// <remarks>
/// Layouts (row-major, time-major): x (T, B, I); Y (T, B, D*Hout); h0/HN (L*D, B, Hout); c0/CN (L*D, B, H),
/// state index l*D + d. Variable lengths follow PyTorch's pack/pad (and ONNX <c>sequence_lens</c>): sequence b
/// runs t = 0 … L_b-1 forward and t = L_b-1 … 0 in reverse, Y is exactly 0 at t &gt;= L_b, HN/CN hold the state
/// after the last step processed (the initial state when L_b = 0), padded x is never read and gets gradient 0,
/// padded dy is never read. Thread-safety: immutable after construction; concurrent calls are safe.
/// </remarks>
public sealed class ReferenceRnn
{
    private readonly Dictionary<string, double[]> _parameters;

    /// <summary>Copies and checks the parameters.</summary>
    /// <param name="config">The network.</param>
    /// <param name="parameters">Exactly the names of <see cref="RefConfig.ParameterShapes"/>, each of the shape's length.</param>
    /// <exception cref="ArgumentException">The config is invalid, or a parameter is missing, unexpected or of the wrong length.</exception>
    public ReferenceRnn(RefConfig config, IReadOnlyDictionary<string, double[]> parameters)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(parameters);
        config.Validate();
        Config = config;
        _parameters = [];
        IReadOnlyList<(string Name, int[] Shape)> shapes = config.ParameterShapes();
        foreach ((string name, int[] shape) in shapes)
        {
            if (!parameters.TryGetValue(name, out double[]? values))
            {
                throw new ArgumentException($"Missing parameter '{name}'.", nameof(parameters));
            }

            int expected = Product(shape);
            if (values is null || values.Length != expected)
            {
                throw new ArgumentException(
                    $"Parameter '{name}' must have {expected} values ([{string.Join(", ", shape)}]); got {values?.Length}.",
                    nameof(parameters));
            }

            _parameters[name] = (double[])values.Clone();
        }

        foreach (string name in parameters.Keys)
        {
            if (!_parameters.ContainsKey(name))
            {
                throw new ArgumentException($"Unexpected parameter '{name}' for {config}.", nameof(parameters));
            }
        }
    }

    /// <summary>The network.</summary>
    public RefConfig Config { get; }

    /// <summary>Runs the network.</summary>
    /// <param name="x">(T, B, I) input.</param>
    /// <param name="seqLen">T &gt;= 1.</param>
    /// <param name="batch">B &gt;= 1.</param>
    /// <param name="lengths">(B) lengths 0 &lt;= L_b &lt;= T in any order, or null for all T.</param>
    /// <param name="h0">(L*D, B, Hout) initial h, or null for zeros.</param>
    /// <param name="c0">(L*D, B, H) initial c (LSTM only), or null for zeros.</param>
    /// <returns>Y, HN and (LSTM) CN.</returns>
    /// <exception cref="ArgumentException">A length or an array size is wrong.</exception>
    public RefForwardResult Forward(double[] x, int seqLen, int batch, int[]? lengths = null, double[]? h0 = null, double[]? c0 = null) =>
        Run(x, seqLen, batch, lengths, h0, c0).Result;

    /// <summary>
    /// Gradients of <c>L = sum(Y*dy) + sum(HN*dhN) + sum(CN*dcN)</c> by backpropagation through time.
    /// Recomputes the forward pass.
    /// </summary>
    /// <param name="x">(T, B, I) input.</param>
    /// <param name="seqLen">T.</param>
    /// <param name="batch">B.</param>
    /// <param name="lengths">(B) lengths, or null for all T.</param>
    /// <param name="h0">(L*D, B, Hout) or null for zeros.</param>
    /// <param name="c0">(L*D, B, H) (LSTM) or null for zeros.</param>
    /// <param name="dy">(T, B, D*Hout) dL/dY; values at padded steps are ignored.</param>
    /// <param name="dhN">(L*D, B, Hout) dL/dHN, or null for zeros.</param>
    /// <param name="dcN">(L*D, B, H) dL/dCN (LSTM), or null for zeros.</param>
    /// <returns>dL/dx, dL/dh0, dL/dc0 and dL/d(parameter) for every parameter.</returns>
    /// <exception cref="ArgumentException">A length or an array size is wrong.</exception>
    public RefGradients Backward(double[] x, int seqLen, int batch, int[]? lengths, double[]? h0, double[]? c0,
        double[] dy, double[]? dhN = null, double[]? dcN = null)
    {
        RefConfig cfg = Config;
        ForwardRun run = Run(x, seqLen, batch, lengths, h0, c0);
        int hidden = cfg.HiddenSize;
        int hOut = cfg.OutputHidden;
        int d2 = cfg.Directions;
        int states = cfg.NumLayers * d2;
        CheckLength(dy, seqLen * batch * d2 * hOut, nameof(dy));
        CheckOptionalLength(dhN, states * batch * hOut, nameof(dhN));
        CheckCellArgument(dcN, states * batch * hidden, nameof(dcN));

        var dParams = new Dictionary<string, double[]>();
        foreach (KeyValuePair<string, double[]> parameter in _parameters)
        {
            dParams[parameter.Key] = new double[parameter.Value.Length];
        }

        var dh0 = new double[states * batch * hOut];
        double[]? dc0 = cfg.HasCell ? new double[states * batch * hidden] : null;

        // dUpper: (T, B, D*Hout) gradient of the current layer's output; the top layer's is dy.
        double[] dUpper = dy;
        for (int layer = cfg.NumLayers - 1; layer >= 0; layer--)
        {
            int inSize = cfg.LayerInputSize(layer);
            var dInput = new double[seqLen * batch * inSize];   // (T, B, in) gradient of this layer's input
            for (int direction = 0; direction < d2; direction++)
            {
                var w = RefDirectionParams.From(cfg, _parameters, layer, direction);
                var g = RefDirectionParams.From(cfg, dParams, layer, direction);
                int state = (layer * d2) + direction;
                for (int b = 0; b < batch; b++)
                {
                    double[] dh = dhN is null ? new double[hOut] : RefMath.Slice(dhN, ((state * batch) + b) * hOut, hOut);
                    double[]? dc = !cfg.HasCell ? null
                        : dcN is null ? new double[hidden] : RefMath.Slice(dcN, ((state * batch) + b) * hidden, hidden);

                    List<(int T, RefStepCache Step)> steps = run.Steps[layer][direction][b];
                    for (int s = steps.Count - 1; s >= 0; s--)
                    {
                        (int t, RefStepCache step) = steps[s];
                        // h_t feeds both Y[t] and the next step processed: their gradients add.
                        double[] dhTotal = RefMath.Slice(dUpper, (((t * batch) + b) * d2 * hOut) + (direction * hOut), hOut);
                        RefMath.AddTo(dhTotal, dh);
                        (double[] dx, double[] dhPrev, double[]? dcPrev) = ReferenceCells.Backward(cfg, w, g, step, dhTotal, dc);
                        int xOffset = ((t * batch) + b) * inSize;
                        for (int k = 0; k < inSize; k++)
                        {
                            dInput[xOffset + k] += dx[k];
                        }

                        dh = dhPrev;
                        dc = dcPrev;
                    }

                    Array.Copy(dh, 0, dh0, ((state * batch) + b) * hOut, hOut);
                    if (dc is not null)
                    {
                        Array.Copy(dc, 0, dc0!, ((state * batch) + b) * hidden, hidden);
                    }
                }
            }

            dUpper = dInput;
        }

        return new RefGradients(dUpper, dh0, dc0, dParams);
    }

    private ForwardRun Run(double[] x, int seqLen, int batch, int[]? lengths, double[]? h0, double[]? c0)
    {
        RefConfig cfg = Config;
        ArgumentNullException.ThrowIfNull(x);
        if (seqLen < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(seqLen), seqLen, "T must be >= 1.");
        }

        if (batch < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), batch, "B must be >= 1.");
        }

        int hidden = cfg.HiddenSize;
        int hOut = cfg.OutputHidden;
        int d2 = cfg.Directions;
        int states = cfg.NumLayers * d2;
        CheckLength(x, seqLen * batch * cfg.InputSize, nameof(x));
        CheckOptionalLength(h0, states * batch * hOut, nameof(h0));
        CheckCellArgument(c0, states * batch * hidden, nameof(c0));
        int[] len = lengths ?? Enumerable.Repeat(seqLen, batch).ToArray();
        CheckLength(len, batch, nameof(lengths));
        foreach (int l in len)
        {
            if (l < 0 || l > seqLen)
            {
                throw new ArgumentException($"Every length must be in 0 … T = {seqLen}; got {l}.", nameof(lengths));
            }
        }

        var hN = new double[states * batch * hOut];
        double[]? cN = cfg.HasCell ? new double[states * batch * hidden] : null;
        var steps = new List<(int T, RefStepCache Step)>[cfg.NumLayers][][];

        double[] layerInput = x;   // (T, B, in) the current layer's input
        for (int layer = 0; layer < cfg.NumLayers; layer++)
        {
            int inSize = cfg.LayerInputSize(layer);
            var layerOutput = new double[seqLen * batch * d2 * hOut];   // (T, B, D*Hout), zero where t >= L_b
            steps[layer] = new List<(int T, RefStepCache Step)>[d2][];
            for (int direction = 0; direction < d2; direction++)
            {
                var w = RefDirectionParams.From(cfg, _parameters, layer, direction);
                int state = (layer * d2) + direction;
                steps[layer][direction] = new List<(int T, RefStepCache Step)>[batch];
                for (int b = 0; b < batch; b++)
                {
                    double[] h = h0 is null ? new double[hOut] : RefMath.Slice(h0, ((state * batch) + b) * hOut, hOut);
                    double[]? c = !cfg.HasCell ? null
                        : c0 is null ? new double[hidden] : RefMath.Slice(c0, ((state * batch) + b) * hidden, hidden);
                    var sequence = new List<(int T, RefStepCache Step)>();
                    for (int s = 0; s < len[b]; s++)
                    {
                        // The reverse direction starts at the sequence's own last valid step.
                        int t = direction == 0 ? s : len[b] - 1 - s;
                        double[] xt = RefMath.Slice(layerInput, ((t * batch) + b) * inSize, inSize);
                        RefStepCache step = ReferenceCells.Forward(cfg, w, xt, h, c);
                        h = step.H;
                        c = step.C;
                        Array.Copy(h, 0, layerOutput, (((t * batch) + b) * d2 * hOut) + (direction * hOut), hOut);
                        sequence.Add((t, step));
                    }

                    steps[layer][direction][b] = sequence;
                    Array.Copy(h, 0, hN, ((state * batch) + b) * hOut, hOut);
                    if (c is not null)
                    {
                        Array.Copy(c, 0, cN!, ((state * batch) + b) * hidden, hidden);
                    }
                }
            }

            layerInput = layerOutput;
        }

        return new ForwardRun(new RefForwardResult(layerInput, hN, cN), steps);
    }

    private void CheckCellArgument(double[]? values, int expected, string name)
    {
        if (values is not null && !Config.HasCell)
        {
            throw new ArgumentException($"Only an LSTM has a cell state; {Config.Cell} got one.", name);
        }

        CheckOptionalLength(values, expected, name);
    }

    private static void CheckOptionalLength<T>(T[]? values, int expected, string name)
    {
        if (values is not null)
        {
            CheckLength(values, expected, name);
        }
    }

    private static void CheckLength<T>(T[] values, int expected, string name)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        if (values.Length != expected)
        {
            throw new ArgumentException($"Expected {expected} values, got {values.Length}.", name);
        }
    }

    private static int Product(int[] shape)
    {
        int product = 1;
        foreach (int n in shape)
        {
            product *= n;
        }

        return product;
    }

    /// <summary>A forward pass and, per layer, direction and sequence, its steps in processing order.</summary>
    private sealed record ForwardRun(RefForwardResult Result, List<(int T, RefStepCache Step)>[][][] Steps);
}
