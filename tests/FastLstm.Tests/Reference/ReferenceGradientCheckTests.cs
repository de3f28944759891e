using Xunit;

namespace FastLstm.Tests.Reference;

/// <summary>
/// The reference's hand-written backward pass against central finite differences of its own forward pass, for every
/// parameter, x, h0 and c0 element, on L = sum(Y*dy) + sum(HN*dhN) + sum(CN*dcN) with random non-zero dy, dhN, dcN.
/// </summary>
public sealed class ReferenceGradientCheckTests
{
    // PyTorch's torch.autograd.gradcheck defaults: central differences in float64 with eps = 1e-6, and an element
    // passes when |analytic - numeric| <= atol + rtol * |numeric| with atol = 1e-5, rtol = 1e-3.
    private const double FiniteDifferenceStep = 1e-6;
    private const double AbsoluteTolerance = 1e-5;
    private const double RelativeTolerance = 1e-3;

    // benchdnn distrusts comparisons where over 30% of the values are zero; parameter gradients are sums over every
    // step of the batch, so more zeros than this means a parameter does not reach the loss.
    private const double MaxZeroFraction = 0.3;

    // Shapes that are not multiples of any SIMD width.
    private const int InputSize = 3;
    private const int HiddenSize = 5;
    private const int ProjSize = 2;
    private const int SeqLen = 4;
    private const int Batch = 3;

    // Variable-length cases: four sequences, lengths a shuffle of {T, 1, 0, 2 or 3}.
    private const int VariableBatch = 4;

    private const int Seed = 20240611;

    private static readonly Dictionary<string, (RefConfig Config, bool VariableLengths)> Cases = new()
    {
        // One layer, one direction, each cell.
        ["RnnTanh"] = (new RefConfig(RefCell.RnnTanh, InputSize, HiddenSize), false),
        ["RnnRelu"] = (new RefConfig(RefCell.RnnRelu, InputSize, HiddenSize), false),
        ["Lstm"] = (new RefConfig(RefCell.Lstm, InputSize, HiddenSize), false),
        ["Gru"] = (new RefConfig(RefCell.Gru, InputSize, HiddenSize), false),
        ["GruOriginal"] = (new RefConfig(RefCell.Gru, InputSize, HiddenSize, GruLinearBeforeReset: false), false),
        ["LstmProjection"] = (new RefConfig(RefCell.Lstm, InputSize, HiddenSize, ProjSize: ProjSize), false),
        ["LstmPeephole"] = (new RefConfig(RefCell.Lstm, InputSize, HiddenSize, Peephole: true), false),

        // Stacked.
        ["RnnTanhStacked"] = (new RefConfig(RefCell.RnnTanh, InputSize, HiddenSize, NumLayers: 2), false),
        ["RnnReluStacked"] = (new RefConfig(RefCell.RnnRelu, InputSize, HiddenSize, NumLayers: 2), false),
        ["LstmStacked"] = (new RefConfig(RefCell.Lstm, InputSize, HiddenSize, NumLayers: 2), false),
        ["GruStacked"] = (new RefConfig(RefCell.Gru, InputSize, HiddenSize, NumLayers: 2), false),
        ["GruOriginalStacked"] = (new RefConfig(RefCell.Gru, InputSize, HiddenSize, NumLayers: 2, GruLinearBeforeReset: false), false),
        ["LstmProjectionStacked"] = (new RefConfig(RefCell.Lstm, InputSize, HiddenSize, NumLayers: 2, ProjSize: ProjSize), false),
        ["LstmPeepholeStacked"] = (new RefConfig(RefCell.Lstm, InputSize, HiddenSize, NumLayers: 2, Peephole: true), false),

        // Bidirectional.
        ["RnnTanhBidirectional"] = (new RefConfig(RefCell.RnnTanh, InputSize, HiddenSize, Bidirectional: true), false),
        ["RnnReluBidirectional"] = (new RefConfig(RefCell.RnnRelu, InputSize, HiddenSize, Bidirectional: true), false),
        ["LstmBidirectional"] = (new RefConfig(RefCell.Lstm, InputSize, HiddenSize, Bidirectional: true), false),
        ["GruBidirectional"] = (new RefConfig(RefCell.Gru, InputSize, HiddenSize, Bidirectional: true), false),
        ["GruOriginalBidirectional"] = (new RefConfig(RefCell.Gru, InputSize, HiddenSize, Bidirectional: true, GruLinearBeforeReset: false), false),
        ["LstmProjectionBidirectional"] = (new RefConfig(RefCell.Lstm, InputSize, HiddenSize, Bidirectional: true, ProjSize: ProjSize), false),
        ["LstmPeepholeBidirectional"] = (new RefConfig(RefCell.Lstm, InputSize, HiddenSize, Bidirectional: true, Peephole: true), false),

        // Everything at once.
        ["LstmBidirectionalStacked"] = (new RefConfig(RefCell.Lstm, InputSize, HiddenSize, NumLayers: 2, Bidirectional: true), false),
        ["GruBidirectionalStacked"] = (new RefConfig(RefCell.Gru, InputSize, HiddenSize, NumLayers: 2, Bidirectional: true), false),
        ["LstmProjectionBidirectionalStacked"] = (new RefConfig(RefCell.Lstm, InputSize, HiddenSize, NumLayers: 2, Bidirectional: true, ProjSize: ProjSize), false),

        // Variable lengths, including a length-0 and a length-T sequence.
        ["LstmVariableLengths"] = (new RefConfig(RefCell.Lstm, InputSize, HiddenSize), true),
        ["LstmBidirectionalVariableLengths"] = (new RefConfig(RefCell.Lstm, InputSize, HiddenSize, Bidirectional: true), true),
        ["GruVariableLengths"] = (new RefConfig(RefCell.Gru, InputSize, HiddenSize), true),
        ["GruBidirectionalVariableLengths"] = (new RefConfig(RefCell.Gru, InputSize, HiddenSize, Bidirectional: true), true),
        ["GruOriginalBidirectionalStackedVariableLengths"] = (new RefConfig(RefCell.Gru, InputSize, HiddenSize, NumLayers: 2, Bidirectional: true, GruLinearBeforeReset: false), true),
        ["RnnTanhBidirectionalStackedVariableLengths"] = (new RefConfig(RefCell.RnnTanh, InputSize, HiddenSize, NumLayers: 2, Bidirectional: true), true),
        ["LstmPeepholeBidirectionalStackedVariableLengths"] = (new RefConfig(RefCell.Lstm, InputSize, HiddenSize, NumLayers: 2, Bidirectional: true, Peephole: true), true),
        ["LstmProjectionBidirectionalStackedVariableLengths"] = (new RefConfig(RefCell.Lstm, InputSize, HiddenSize, NumLayers: 2, Bidirectional: true, ProjSize: ProjSize), true),

        // No bias.
        ["RnnTanhNoBias"] = (new RefConfig(RefCell.RnnTanh, InputSize, HiddenSize, Bias: false), false),
        ["LstmNoBias"] = (new RefConfig(RefCell.Lstm, InputSize, HiddenSize, Bias: false), false),
        ["GruNoBias"] = (new RefConfig(RefCell.Gru, InputSize, HiddenSize, Bias: false), false),
        ["GruOriginalNoBias"] = (new RefConfig(RefCell.Gru, InputSize, HiddenSize, GruLinearBeforeReset: false, Bias: false), false),
        ["LstmPeepholeNoBias"] = (new RefConfig(RefCell.Lstm, InputSize, HiddenSize, Peephole: true, Bias: false), false),
        ["LstmProjectionBidirectionalStackedNoBias"] = (new RefConfig(RefCell.Lstm, InputSize, HiddenSize, NumLayers: 2, Bidirectional: true, ProjSize: ProjSize, Bias: false), true),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    public static TheoryData<string> VariableLengthCaseNames => new(Cases.Where(c => c.Value.VariableLengths).Select(c => c.Key));

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Backward_MatchesFiniteDifferences(string caseName)
    {
        RefCase c = CreateCase(caseName);
        var rnn = new ReferenceRnn(c.Config, c.Parameters);
        RefGradients analytic = rnn.Backward(c.X, c.SeqLen, c.Batch, c.Lengths, c.H0, c.C0, c.DY, c.DHN, c.DCN);

        var failures = new List<string>();
        int checkedElements = 0;

        void Check(string what, double[] values, double[] gradient, Func<double> loss)
        {
            Assert.Equal(values.Length, gradient.Length);
            for (int k = 0; k < values.Length; k++)
            {
                double saved = values[k];
                values[k] = saved + FiniteDifferenceStep;
                double plus = loss();
                values[k] = saved - FiniteDifferenceStep;
                double minus = loss();
                values[k] = saved;
                double numeric = (plus - minus) / (2 * FiniteDifferenceStep);
                if (!(Math.Abs(gradient[k] - numeric) <= AbsoluteTolerance + (RelativeTolerance * Math.Abs(numeric))))
                {
                    failures.Add($"{what}[{k}]: analytic {gradient[k]:R}, numeric {numeric:R}");
                }

                checkedElements++;
            }
        }

        // Inputs: the parameters stay fixed, so one ReferenceRnn serves every perturbation.
        double[] x = (double[])c.X.Clone();
        double[] h0 = (double[])c.H0.Clone();
        double[]? c0 = (double[]?)c.C0?.Clone();
        Check("x", x, analytic.DX, () => Loss(rnn, c, x, h0, c0));
        Check("h0", h0, analytic.DH0, () => Loss(rnn, c, x, h0, c0));
        if (c0 is not null)
        {
            Check("c0", c0, analytic.DC0!, () => Loss(rnn, c, x, h0, c0));
        }

        // Parameters: the reference copies them, so each perturbation builds a new one.
        var parameters = c.Parameters.ToDictionary(p => p.Key, p => (double[])p.Value.Clone());
        int parameterCount = 0;
        int zeroParameterGradients = 0;
        foreach ((string name, _) in c.Config.ParameterShapes())
        {
            double[] gradient = analytic.DParams[name];
            Check(name, parameters[name], gradient, () => Loss(new ReferenceRnn(c.Config, parameters), c, c.X, c.H0, c.C0));
            parameterCount += gradient.Length;
            zeroParameterGradients += gradient.Count(v => v == 0.0);
        }

        int expectedElements = c.X.Length + c.H0.Length + (c.C0?.Length ?? 0) + parameterCount;
        Assert.Equal(expectedElements, checkedElements);
        Assert.Equal(c.Parameters.Values.Sum(p => p.Length), parameterCount);
        Assert.True(failures.Count == 0,
            $"{caseName} (seed {Seed}): {failures.Count} of {checkedElements} elements fail:\n{string.Join("\n", failures.Take(20))}");
        Assert.True(zeroParameterGradients <= MaxZeroFraction * parameterCount,
            $"{caseName} (seed {Seed}): {zeroParameterGradients} of {parameterCount} parameter gradients are exactly 0.");
    }

    [Theory]
    [MemberData(nameof(VariableLengthCaseNames))]
    public void Backward_PaddedInputSteps_GetExactlyZeroGradient(string caseName)
    {
        RefCase c = CreateCase(caseName);
        var rnn = new ReferenceRnn(c.Config, c.Parameters);
        RefGradients gradients = rnn.Backward(c.X, c.SeqLen, c.Batch, c.Lengths, c.H0, c.C0, c.DY, c.DHN, c.DCN);

        int[] lengths = c.Lengths!;
        Assert.Contains(0, lengths);
        Assert.Contains(c.SeqLen, lengths);
        int inputSize = c.Config.InputSize;
        int padded = 0;
        for (int t = 0; t < c.SeqLen; t++)
        {
            for (int b = 0; b < c.Batch; b++)
            {
                for (int k = 0; k < inputSize; k++)
                {
                    int index = (((t * c.Batch) + b) * inputSize) + k;
                    if (t >= lengths[b])
                    {
                        Assert.NotEqual(0.0, c.X[index]);
                        Assert.Equal(0.0, gradients.DX[index]);
                        padded++;
                    }
                    else
                    {
                        Assert.NotEqual(0.0, gradients.DX[index]);
                    }
                }
            }
        }

        Assert.True(padded > 0);
    }

    [Theory]
    [MemberData(nameof(VariableLengthCaseNames))]
    public void Forward_PaddedInputSteps_AreIgnoredAndOutputExactZeros(string caseName)
    {
        RefCase c = CreateCase(caseName);
        var rnn = new ReferenceRnn(c.Config, c.Parameters);
        RefForwardResult expected = rnn.Forward(c.X, c.SeqLen, c.Batch, c.Lengths, c.H0, c.C0);

        double[] x = (double[])c.X.Clone();
        int width = c.Config.Directions * c.Config.OutputHidden;
        for (int t = 0; t < c.SeqLen; t++)
        {
            for (int b = 0; b < c.Batch; b++)
            {
                if (t >= c.Lengths![b])
                {
                    x.AsSpan(((t * c.Batch) + b) * c.Config.InputSize, c.Config.InputSize).Fill(1e6);
                    Assert.True(expected.Y.AsSpan(((t * c.Batch) + b) * width, width).IndexOfAnyExcept(0.0) < 0);
                }
            }
        }

        RefForwardResult actual = rnn.Forward(x, c.SeqLen, c.Batch, c.Lengths, c.H0, c.C0);
        Assert.Equal(expected.Y, actual.Y);
        Assert.Equal(expected.HN, actual.HN);
        Assert.Equal(expected.CN, actual.CN);
    }

    [Theory]
    [MemberData(nameof(VariableLengthCaseNames))]
    public void Backward_PaddedUpstreamGradient_IsIgnored(string caseName)
    {
        RefCase c = CreateCase(caseName);
        var rnn = new ReferenceRnn(c.Config, c.Parameters);
        RefGradients expected = rnn.Backward(c.X, c.SeqLen, c.Batch, c.Lengths, c.H0, c.C0, c.DY, c.DHN, c.DCN);

        double[] dy = (double[])c.DY.Clone();
        int width = c.Config.Directions * c.Config.OutputHidden;
        for (int t = 0; t < c.SeqLen; t++)
        {
            for (int b = 0; b < c.Batch; b++)
            {
                if (t >= c.Lengths![b])
                {
                    dy.AsSpan(((t * c.Batch) + b) * width, width).Fill(1e6);
                }
            }
        }

        RefGradients actual = rnn.Backward(c.X, c.SeqLen, c.Batch, c.Lengths, c.H0, c.C0, dy, c.DHN, c.DCN);
        AssertBitIdentical(expected, actual);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Backward_ZeroUpstreamGradient_GivesAllZeroGradients(string caseName)
    {
        RefCase c = CreateCase(caseName);
        var rnn = new ReferenceRnn(c.Config, c.Parameters);
        var dy = new double[c.DY.Length];
        var dhN = new double[c.DHN.Length];
        double[]? dcN = c.DCN is null ? null : new double[c.DCN.Length];

        RefGradients gradients = rnn.Backward(c.X, c.SeqLen, c.Batch, c.Lengths, c.H0, c.C0, dy, dhN, dcN);

        Assert.True(gradients.DX.All(v => v == 0.0));
        Assert.True(gradients.DH0.All(v => v == 0.0));
        Assert.True(gradients.DC0?.All(v => v == 0.0) ?? true);
        foreach (KeyValuePair<string, double[]> parameter in gradients.DParams)
        {
            Assert.True(parameter.Value.All(v => v == 0.0), parameter.Key);
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Backward_RunTwice_IsBitIdentical(string caseName)
    {
        RefCase c = CreateCase(caseName);
        var rnn = new ReferenceRnn(c.Config, c.Parameters);
        RefGradients first = rnn.Backward(c.X, c.SeqLen, c.Batch, c.Lengths, c.H0, c.C0, c.DY, c.DHN, c.DCN);
        RefGradients second = rnn.Backward(c.X, c.SeqLen, c.Batch, c.Lengths, c.H0, c.C0, c.DY, c.DHN, c.DCN);
        AssertBitIdentical(first, second);
    }

    private static RefCase CreateCase(string caseName)
    {
        (RefConfig config, bool variableLengths) = Cases[caseName];
        return variableLengths
            ? RefRandomCase.Create(config, SeqLen, VariableBatch, Seed, variableLengths: true, allowZeroLength: true)
            : RefRandomCase.Create(config, SeqLen, Batch, Seed);
    }

    /// <summary>L = sum(Y*dy) + sum(HN*dhN) + sum(CN*dcN).</summary>
    private static double Loss(ReferenceRnn rnn, RefCase c, double[] x, double[] h0, double[]? c0)
    {
        RefForwardResult result = rnn.Forward(x, c.SeqLen, c.Batch, c.Lengths, h0, c0);
        double loss = Dot(result.Y, c.DY) + Dot(result.HN, c.DHN);
        if (result.CN is not null)
        {
            loss += Dot(result.CN, c.DCN!);
        }

        return loss;
    }

    private static double Dot(double[] a, double[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double sum = 0;
        for (int k = 0; k < a.Length; k++)
        {
            sum += a[k] * b[k];
        }

        return sum;
    }

    private static void AssertBitIdentical(RefGradients expected, RefGradients actual)
    {
        Assert.Equal(Bits(expected.DX), Bits(actual.DX));
        Assert.Equal(Bits(expected.DH0), Bits(actual.DH0));
        Assert.Equal(Bits(expected.DC0), Bits(actual.DC0));
        Assert.Equal(expected.DParams.Keys.Order(StringComparer.Ordinal), actual.DParams.Keys.Order(StringComparer.Ordinal));
        foreach (KeyValuePair<string, double[]> parameter in expected.DParams)
        {
            Assert.Equal(Bits(parameter.Value), Bits(actual.DParams[parameter.Key]));
        }
    }

    /// <summary>The IEEE bit patterns, so that -0.0 differs from 0.0 and NaNs compare by payload.</summary>
    private static long[]? Bits(double[]? values) => values?.Select(BitConverter.DoubleToInt64Bits).ToArray();
}
