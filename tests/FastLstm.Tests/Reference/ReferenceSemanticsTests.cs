using Xunit;

namespace FastLstm.Tests.Reference;

/// <summary>
/// Checks of the reference's forward semantics that need no PyTorch file: each feature is compared with a simpler
/// network that must compute the same thing (a stack with its layers run one at a time, a reverse direction with a
/// forward one on the reversed sequence, a batch with each sequence run alone, ...). Together with the gradient
/// check and the fixtures, they cover the combinations the fixtures in this folder do not.
/// </summary>
public sealed class ReferenceSemanticsTests
{
    private const int InputSize = 3;
    private const int HiddenSize = 5;
    private const int ProjSize = 2;
    private const int SeqLen = 5;
    private const int Batch = 4;
    private const int Seed = 7;

    // Compositions that only reorder float64 sums (atanh∘tanh in the ReLU test) are held to this; everything else
    // must be bit-identical.
    private const double RoundingTolerance = 1e-12;

    public static TheoryData<RefCell, bool> CellsAndGruForms => new()
    {
        { RefCell.RnnTanh, true },
        { RefCell.RnnRelu, true },
        { RefCell.Lstm, true },
        { RefCell.Gru, true },
        { RefCell.Gru, false },
    };

    [Theory]
    [MemberData(nameof(CellsAndGruForms))]
    public void Forward_StackedBidirectional_EqualsItsLayersRunOneAfterAnother(RefCell cell, bool linearBeforeReset)
    {
        var config = new RefConfig(cell, InputSize, HiddenSize, NumLayers: 2, Bidirectional: true,
            ProjSize: cell == RefCell.Lstm ? ProjSize : 0, GruLinearBeforeReset: linearBeforeReset);
        RefCase c = RefRandomCase.Create(config, SeqLen, Batch, Seed, variableLengths: true, allowZeroLength: true);
        RefForwardResult stacked = new ReferenceRnn(config, c.Parameters).Forward(c.X, c.SeqLen, c.Batch, c.Lengths, c.H0, c.C0);

        int stateWidth = 2 * c.Batch * config.OutputHidden;   // two directions of (B, Hout)
        int cellWidth = 2 * c.Batch * config.HiddenSize;
        double[] layerInput = c.X;
        var hN = new List<double>();
        var cN = new List<double>();
        for (int layer = 0; layer < 2; layer++)
        {
            RefConfig single = config with { InputSize = config.LayerInputSize(layer), NumLayers = 1 };
            var parameters = new Dictionary<string, double[]>();
            foreach ((string name, _) in single.ParameterShapes())
            {
                parameters[name] = c.Parameters[name.Replace("_l0", $"_l{layer}", StringComparison.Ordinal)];
            }

            RefForwardResult result = new ReferenceRnn(single, parameters).Forward(layerInput, c.SeqLen, c.Batch, c.Lengths,
                c.H0.AsSpan(layer * stateWidth, stateWidth).ToArray(), c.C0?.AsSpan(layer * cellWidth, cellWidth).ToArray());
            layerInput = result.Y;
            hN.AddRange(result.HN);
            cN.AddRange(result.CN ?? []);
        }

        Assert.Equal(layerInput, stacked.Y);
        Assert.Equal(hN, stacked.HN);
        Assert.Equal(cN, stacked.CN ?? []);
    }

    [Theory]
    [MemberData(nameof(CellsAndGruForms))]
    public void Forward_ReverseDirection_EqualsForwardDirectionOnEachReversedSequence(RefCell cell, bool linearBeforeReset)
    {
        var config = new RefConfig(cell, InputSize, HiddenSize, Bidirectional: true,
            Peephole: cell == RefCell.Lstm, GruLinearBeforeReset: linearBeforeReset);
        RefCase c = RefRandomCase.Create(config, SeqLen, Batch, Seed, variableLengths: true, allowZeroLength: true);
        RefForwardResult both = new ReferenceRnn(config, c.Parameters).Forward(c.X, c.SeqLen, c.Batch, c.Lengths, c.H0, c.C0);

        // The reverse direction's weights as a one-direction network, fed x[L_b-1-t, b] at step t.
        RefConfig forwardOnly = config with { Bidirectional = false };
        var parameters = new Dictionary<string, double[]>();
        foreach ((string name, _) in forwardOnly.ParameterShapes())
        {
            parameters[name] = c.Parameters[name + "_reverse"];
        }

        int[] lengths = c.Lengths!;
        double[] reversedX = (double[])c.X.Clone();
        for (int b = 0; b < c.Batch; b++)
        {
            for (int t = 0; t < lengths[b]; t++)
            {
                Array.Copy(c.X, ((((lengths[b] - 1 - t) * c.Batch) + b) * InputSize), reversedX, ((t * c.Batch) + b) * InputSize, InputSize);
            }
        }

        int h = config.OutputHidden;
        RefForwardResult reverse = new ReferenceRnn(forwardOnly, parameters).Forward(reversedX, c.SeqLen, c.Batch, c.Lengths,
            c.H0.AsSpan(c.Batch * h, c.Batch * h).ToArray(),
            c.C0?.AsSpan(c.Batch * config.HiddenSize, c.Batch * config.HiddenSize).ToArray());

        for (int b = 0; b < c.Batch; b++)
        {
            for (int t = 0; t < c.SeqLen; t++)
            {
                // Output for input step t sits at t; padded steps are 0 in both.
                int source = t < lengths[b] ? lengths[b] - 1 - t : t;
                Assert.Equal(reverse.Y.AsSpan(((source * c.Batch) + b) * h, h).ToArray(),
                    both.Y.AsSpan((((t * c.Batch) + b) * 2 * h) + h, h).ToArray());
            }
        }

        Assert.Equal(reverse.HN, both.HN.AsSpan(c.Batch * h).ToArray());
        Assert.Equal(reverse.CN, both.CN?.AsSpan(c.Batch * config.HiddenSize).ToArray());
    }

    [Theory]
    [MemberData(nameof(CellsAndGruForms))]
    public void Forward_VariableLengths_EqualsEachSequenceRunAloneUpToItsLength(RefCell cell, bool linearBeforeReset)
    {
        var config = new RefConfig(cell, InputSize, HiddenSize, NumLayers: 2, Bidirectional: true, GruLinearBeforeReset: linearBeforeReset);
        RefCase c = RefRandomCase.Create(config, SeqLen, Batch, Seed, variableLengths: true, allowZeroLength: true);
        var rnn = new ReferenceRnn(config, c.Parameters);
        RefForwardResult batched = rnn.Forward(c.X, c.SeqLen, c.Batch, c.Lengths, c.H0, c.C0);

        int[] lengths = c.Lengths!;
        // The case really mixes 0, 1, T and a length in between.
        Assert.Equal([0, 1, SeqLen], lengths.Where(l => l is 0 or 1 or SeqLen).Order());
        Assert.Contains(lengths, l => l > 1 && l < SeqLen);
        int states = config.NumLayers * config.Directions;
        int h = config.OutputHidden;
        int width = config.Directions * h;
        for (int b = 0; b < c.Batch; b++)
        {
            double[] h0 = Gather(c.H0, states, c.Batch, h, b);
            double[]? c0 = c.C0 is null ? null : Gather(c.C0, states, c.Batch, HiddenSize, b);
            double[] yB = Gather(batched.Y, c.SeqLen, c.Batch, width, b);
            if (lengths[b] == 0)
            {
                Assert.True(yB.All(v => v == 0.0));
                Assert.Equal(h0, Gather(batched.HN, states, c.Batch, h, b));
                Assert.Equal(c0, batched.CN is null ? null : Gather(batched.CN, states, c.Batch, HiddenSize, b));
                continue;
            }

            double[] x = Gather(c.X, c.SeqLen, c.Batch, InputSize, b).AsSpan(0, lengths[b] * InputSize).ToArray();
            RefForwardResult alone = rnn.Forward(x, lengths[b], 1, null, h0, c0);
            Assert.Equal(alone.Y, yB.AsSpan(0, lengths[b] * width).ToArray());
            Assert.True(yB.AsSpan(lengths[b] * width).IndexOfAnyExcept(0.0) < 0);
            Assert.Equal(alone.HN, Gather(batched.HN, states, c.Batch, h, b));
            Assert.Equal(alone.CN, batched.CN is null ? null : Gather(batched.CN, states, c.Batch, HiddenSize, b));
        }
    }

    [Fact]
    public void Forward_PeepholeWeightsZero_EqualsPlainLstm()
    {
        var plain = new RefConfig(RefCell.Lstm, InputSize, HiddenSize, Bidirectional: true);
        RefCase c = RefRandomCase.Create(plain, SeqLen, Batch, Seed);
        RefConfig peephole = plain with { Peephole = true };
        var parameters = new Dictionary<string, double[]>(c.Parameters)
        {
            ["weight_peephole_l0"] = new double[3 * HiddenSize],
            ["weight_peephole_l0_reverse"] = new double[3 * HiddenSize],
        };

        RefForwardResult expected = new ReferenceRnn(plain, c.Parameters).Forward(c.X, c.SeqLen, c.Batch, null, c.H0, c.C0);
        RefForwardResult actual = new ReferenceRnn(peephole, parameters).Forward(c.X, c.SeqLen, c.Batch, null, c.H0, c.C0);

        Assert.Equal(expected.Y, actual.Y);
        Assert.Equal(expected.HN, actual.HN);
        Assert.Equal(expected.CN, actual.CN);

        parameters["weight_peephole_l0"] = Enumerable.Repeat(0.5, 3 * HiddenSize).ToArray();
        Assert.NotEqual(expected.Y, new ReferenceRnn(peephole, parameters).Forward(c.X, c.SeqLen, c.Batch, null, c.H0, c.C0).Y);
    }

    [Fact]
    public void Forward_ProjectionOntoFirstUnits_EqualsPlainLstmWhoseOtherUnitsDoNotRecur()
    {
        // W_hr = [I_P | 0] keeps the first P units of o*tanh(c); a plain LSTM whose W_hh has zero columns for units
        // P…H-1 computes the same gates, so its first P outputs and its whole c must match.
        var projected = new RefConfig(RefCell.Lstm, InputSize, HiddenSize, ProjSize: ProjSize);
        RefCase c = RefRandomCase.Create(projected, SeqLen, Batch, Seed, variableLengths: true);
        var weightHr = new double[ProjSize * HiddenSize];
        for (int p = 0; p < ProjSize; p++)
        {
            weightHr[(p * HiddenSize) + p] = 1.0;
        }

        var projectedParams = new Dictionary<string, double[]>(c.Parameters) { ["weight_hr_l0"] = weightHr };
        var plain = new RefConfig(RefCell.Lstm, InputSize, HiddenSize);
        var plainParams = new Dictionary<string, double[]>(c.Parameters);
        plainParams.Remove("weight_hr_l0");
        var weightHh = new double[4 * HiddenSize * HiddenSize];
        for (int row = 0; row < 4 * HiddenSize; row++)
        {
            Array.Copy(c.Parameters["weight_hh_l0"], row * ProjSize, weightHh, row * HiddenSize, ProjSize);
        }

        plainParams["weight_hh_l0"] = weightHh;
        var plainH0 = new double[Batch * HiddenSize];
        for (int b = 0; b < Batch; b++)
        {
            Array.Copy(c.H0, b * ProjSize, plainH0, b * HiddenSize, ProjSize);
        }

        RefForwardResult expected = new ReferenceRnn(plain, plainParams).Forward(c.X, c.SeqLen, c.Batch, c.Lengths, plainH0, c.C0);
        RefForwardResult actual = new ReferenceRnn(projected, projectedParams).Forward(c.X, c.SeqLen, c.Batch, c.Lengths, c.H0, c.C0);

        for (int row = 0; row < SeqLen * Batch; row++)
        {
            Assert.Equal(expected.Y.AsSpan(row * HiddenSize, ProjSize).ToArray(), actual.Y.AsSpan(row * ProjSize, ProjSize).ToArray());
        }

        Assert.Equal(expected.CN, actual.CN);
    }

    [Fact]
    public void Forward_GruResetGateOne_BothFormsAgree_ElseTheyDiffer()
    {
        var pytorchForm = new RefConfig(RefCell.Gru, InputSize, HiddenSize);
        RefConfig originalForm = pytorchForm with { GruLinearBeforeReset = false };
        RefCase c = RefRandomCase.Create(pytorchForm, SeqLen, Batch, Seed);

        double[] originalY = new ReferenceRnn(originalForm, c.Parameters).Forward(c.X, c.SeqLen, c.Batch, null, c.H0).Y;
        double[] pytorchY = new ReferenceRnn(pytorchForm, c.Parameters).Forward(c.X, c.SeqLen, c.Batch, null, c.H0).Y;
        Assert.NotEqual(originalY, pytorchY);

        // r = σ(1000) = 1 exactly in float64: r*(W_hn h + b_hn) = W_hn (r*h) + b_hn.
        var saturated = new Dictionary<string, double[]>(c.Parameters) { ["bias_ih_l0"] = (double[])c.Parameters["bias_ih_l0"].Clone() };
        saturated["bias_ih_l0"].AsSpan(0, HiddenSize).Fill(1000.0);
        Assert.Equal(
            new ReferenceRnn(pytorchForm, saturated).Forward(c.X, c.SeqLen, c.Batch, null, c.H0).Y,
            new ReferenceRnn(originalForm, saturated).Forward(c.X, c.SeqLen, c.Batch, null, c.H0).Y);
    }

    [Fact]
    public void Forward_RnnRelu_IsRnnTanhWithReluOfThePreActivation()
    {
        // One step from h0 = 0: tanh gives tanh(a), relu gives max(a, 0), so relu = max(atanh(tanh output), 0).
        var tanhConfig = new RefConfig(RefCell.RnnTanh, InputSize, HiddenSize);
        RefCase c = RefRandomCase.Create(tanhConfig, 1, Batch, Seed);
        double[] tanhY = new ReferenceRnn(tanhConfig, c.Parameters).Forward(c.X, 1, c.Batch).Y;
        double[] reluY = new ReferenceRnn(tanhConfig with { Cell = RefCell.RnnRelu }, c.Parameters).Forward(c.X, 1, c.Batch).Y;

        Assert.InRange(reluY.Count(v => v == 0.0), 1, reluY.Length - 1);   // both sides of the kink
        for (int k = 0; k < tanhY.Length; k++)
        {
            Assert.True(Math.Abs(Math.Max(Math.Atanh(tanhY[k]), 0.0) - reluY[k]) <= RoundingTolerance, $"element {k}");
        }
    }

    [Fact]
    public void ParameterShapes_ProjectionBidirectionalStacked_FollowPyTorchRegistrationOrder()
    {
        // torch.nn.RNNBase.__init__: per layer, per direction: w_ih, w_hh, b_ih, b_hh, then w_hr.
        var config = new RefConfig(RefCell.Lstm, InputSize, HiddenSize, NumLayers: 2, Bidirectional: true, ProjSize: ProjSize);
        (string, int[])[] expected =
        [
            ("weight_ih_l0", [20, 3]), ("weight_hh_l0", [20, 2]), ("bias_ih_l0", [20]), ("bias_hh_l0", [20]), ("weight_hr_l0", [2, 5]),
            ("weight_ih_l0_reverse", [20, 3]), ("weight_hh_l0_reverse", [20, 2]), ("bias_ih_l0_reverse", [20]), ("bias_hh_l0_reverse", [20]), ("weight_hr_l0_reverse", [2, 5]),
            ("weight_ih_l1", [20, 4]), ("weight_hh_l1", [20, 2]), ("bias_ih_l1", [20]), ("bias_hh_l1", [20]), ("weight_hr_l1", [2, 5]),
            ("weight_ih_l1_reverse", [20, 4]), ("weight_hh_l1_reverse", [20, 2]), ("bias_ih_l1_reverse", [20]), ("bias_hh_l1_reverse", [20]), ("weight_hr_l1_reverse", [2, 5]),
        ];

        IReadOnlyList<(string Name, int[] Shape)> actual = config.ParameterShapes();
        Assert.Equal(expected.Select(e => e.Item1), actual.Select(a => a.Name));
        Assert.All(expected.Zip(actual), pair => Assert.Equal(pair.First.Item2, pair.Second.Shape));
    }

    [Fact]
    public void ParameterShapes_PeepholeWithoutBias_ComesRightAfterWeightHh()
    {
        var config = new RefConfig(RefCell.Lstm, InputSize, HiddenSize, Peephole: true, Bias: false);
        Assert.Equal(["weight_ih_l0", "weight_hh_l0", "weight_peephole_l0"], config.ParameterShapes().Select(s => s.Name));
        Assert.Equal([3, HiddenSize], config.ParameterShapes()[2].Shape);
    }

    [Theory]
    [InlineData(RefCell.Gru, 2, false)]       // projection is LSTM-only
    [InlineData(RefCell.Lstm, HiddenSize, false)]   // PyTorch requires proj_size < hidden_size
    [InlineData(RefCell.Lstm, 2, true)]       // peepholes only without projection
    [InlineData(RefCell.RnnTanh, 0, true)]    // peepholes are LSTM-only
    public void Constructor_UnsupportedCombination_Throws(RefCell cell, int projSize, bool peephole)
    {
        var config = new RefConfig(cell, InputSize, HiddenSize, ProjSize: projSize, Peephole: peephole);
        Assert.Throws<ArgumentException>(() => new ReferenceRnn(config, new Dictionary<string, double[]>()));
    }

    [Fact]
    public void Constructor_MissingWrongLengthOrUnexpectedParameter_ThrowsNamingIt()
    {
        var config = new RefConfig(RefCell.Gru, InputSize, HiddenSize);
        RefCase c = RefRandomCase.Create(config, SeqLen, Batch, Seed);

        var missing = new Dictionary<string, double[]>(c.Parameters);
        missing.Remove("bias_hh_l0");
        var wrongLength = new Dictionary<string, double[]>(c.Parameters) { ["weight_hh_l0"] = new double[3] };
        var unexpected = new Dictionary<string, double[]>(c.Parameters) { ["weight_hr_l0"] = new double[10] };

        Assert.Contains("bias_hh_l0", Assert.Throws<ArgumentException>("parameters", () => new ReferenceRnn(config, missing)).Message);
        Assert.Contains("weight_hh_l0", Assert.Throws<ArgumentException>("parameters", () => new ReferenceRnn(config, wrongLength)).Message);
        Assert.Contains("weight_hr_l0", Assert.Throws<ArgumentException>("parameters", () => new ReferenceRnn(config, unexpected)).Message);
    }

    [Fact]
    public void Forward_WrongSizesOrLengths_ThrowNamingTheArgument()
    {
        var config = new RefConfig(RefCell.Gru, InputSize, HiddenSize);
        RefCase c = RefRandomCase.Create(config, SeqLen, Batch, Seed);
        var rnn = new ReferenceRnn(config, c.Parameters);

        Assert.Throws<ArgumentException>("x", () => rnn.Forward(new double[7], SeqLen, Batch));
        Assert.Throws<ArgumentException>("lengths", () => rnn.Forward(c.X, SeqLen, Batch, [1, 2, SeqLen + 1, 0]));
        Assert.Throws<ArgumentException>("lengths", () => rnn.Forward(c.X, SeqLen, Batch, [1, 2]));
        Assert.Throws<ArgumentException>("h0", () => rnn.Forward(c.X, SeqLen, Batch, null, new double[3]));
        Assert.Throws<ArgumentException>("c0", () => rnn.Forward(c.X, SeqLen, Batch, null, c.H0, new double[Batch * HiddenSize]));
        Assert.Throws<ArgumentException>("dy", () => rnn.Backward(c.X, SeqLen, Batch, null, c.H0, null, new double[5]));
    }

    [Fact]
    public void RandomCase_SameSeed_GivesSameCase()
    {
        var config = new RefConfig(RefCell.Lstm, InputSize, HiddenSize, Bidirectional: true);
        RefCase a = RefRandomCase.Create(config, SeqLen, Batch, Seed, variableLengths: true, allowZeroLength: true);
        RefCase b = RefRandomCase.Create(config, SeqLen, Batch, Seed, variableLengths: true, allowZeroLength: true);
        Assert.Equal(a.X, b.X);
        Assert.Equal(a.Lengths, b.Lengths);
        Assert.Equal(a.DCN, b.DCN);
        Assert.Equal(a.Parameters["weight_hh_l0_reverse"], b.Parameters["weight_hh_l0_reverse"]);
        Assert.NotEqual(a.X, RefRandomCase.Create(config, SeqLen, Batch, Seed + 1).X);
    }

    /// <summary>Row <paramref name="b"/> of the middle axis of an (n, batch, width) array, as (n, width).</summary>
    private static double[] Gather(double[] data, int n, int batch, int width, int b)
    {
        var result = new double[n * width];
        for (int i = 0; i < n; i++)
        {
            Array.Copy(data, ((i * batch) + b) * width, result, i * width, width);
        }

        return result;
    }
}
