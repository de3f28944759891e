using Xunit;

namespace FastLstm.Tests.Layers;

/// <summary>Properties of the sequence API that the reference comparison does not cover by itself.</summary>
public sealed class RecurrentLayerBehaviourTests
{
    private const int Steps = 8;
    private const int Batch = 3;
    private const int Input = 5;

    // A few float32 ulps of a sum of O(10) terms of size O(1).
    private const float AccumulationTolerance = 1e-5f;

    public static TheoryData<string> Variants => new(["lstm", "lstm-projection", "lstm-peephole", "gru", "gru-original", "rnn-relu"]);

    private static RecurrentLayer Make(string variant, int layers = 2) => variant switch
    {
        "lstm" => TestData.Layer(CellKind.Lstm, layers: layers),
        "lstm-projection" => TestData.Layer(CellKind.Lstm, layers: layers, projection: 4),
        "lstm-peephole" => TestData.Layer(CellKind.Lstm, layers: layers, peephole: true),
        "gru" => TestData.Layer(CellKind.Gru, layers: layers),
        "gru-original" => TestData.Layer(CellKind.Gru, layers: layers, gruLinearBeforeReset: false),
        _ => TestData.Layer(CellKind.RnnRelu, layers: layers),
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Step_OneStepAtATime_GivesTheSequenceOutputs(string variant)
    {
        RecurrentLayer layer = Make(variant);
        float[] x = TestData.Uniform(Steps * Batch * Input, 5);
        float[] h0 = TestData.Uniform(layer.StateCount * Batch * layer.Options.OutputHiddenSize, 6, -0.5f, 0.5f);
        RecurrentWorkspace workspace = layer.CreateWorkspace();
        layer.Forward(workspace, x, Steps, Batch, initialHidden: h0);

        RecurrentState state = layer.CreateState(Batch);
        h0.CopyTo(state.Hidden);
        int width = Batch * layer.Options.OutputHiddenSize;
        float[] y = new float[width];
        for (int t = 0; t < Steps; t++)
        {
            layer.Step(state, x.AsSpan(t * Batch * Input, Batch * Input), y);
            Assert.Equal(workspace.Output.Slice(t * width, width).ToArray(), y);
        }

        Assert.Equal(workspace.FinalHidden.ToArray(), state.Hidden.ToArray());
        Assert.Equal(workspace.FinalCell.ToArray(), state.Cell.ToArray());
    }

    [Fact]
    public void Step_ManyStreamsOnOneLayer_AreIndependent()
    {
        RecurrentLayer layer = Make("lstm");
        float[] x = TestData.Uniform(Steps * Input, 7);
        RecurrentState first = layer.CreateState();
        RecurrentState second = layer.CreateState();
        float[] y1 = new float[7];
        float[] y2 = new float[7];
        float[] noise = TestData.Uniform(Input, 8);
        for (int t = 0; t < Steps; t++)
        {
            layer.Step(first, x.AsSpan(t * Input, Input), y1);
            layer.Step(second, x.AsSpan(t * Input, Input), y2);
            Assert.Equal(y1, y2);
        }

        layer.Step(second, noise, y2);
        first.Reset();
        Assert.All(first.Hidden.ToArray(), value => Assert.Equal(0f, value));
        Assert.NotEqual(0f, second.Hidden[0]);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Forward_ChunksWithCarriedState_EqualOneLongSequence(string variant)
    {
        RecurrentLayer layer = Make(variant);
        float[] x = TestData.Uniform(Steps * Batch * Input, 9);
        RecurrentWorkspace whole = layer.CreateWorkspace();
        layer.Forward(whole, x, Steps, Batch);

        // Truncated BPTT: the second chunk starts from the first chunk's final states, read from the same workspace.
        RecurrentWorkspace chunks = layer.CreateWorkspace();
        int half = Steps / 2;
        int rows = Batch * Input;
        layer.Forward(chunks, x.AsSpan(0, half * rows), half, Batch);
        layer.Forward(chunks, x.AsSpan(half * rows), Steps - half, Batch, default, chunks.FinalHidden, chunks.FinalCell);

        int width = Batch * layer.Options.OutputSize;
        Assert.Equal(whole.Output.Slice(half * width).ToArray(), chunks.Output.ToArray());
        Assert.Equal(whole.FinalHidden.ToArray(), chunks.FinalHidden.ToArray());
    }

    [Fact]
    public void Backward_OfSecondChunk_StopsAtItsInitialState()
    {
        RecurrentLayer layer = Make("lstm", layers: 1);
        float[] x = TestData.Uniform(Steps * Batch * Input, 10);
        float[] h0 = TestData.Uniform(Batch * 7, 11);
        float[] c0 = TestData.Uniform(Batch * 7, 12);
        float[] dy = TestData.Uniform(Steps * Batch * 7, 13);
        RecurrentWorkspace workspace = layer.CreateWorkspace();

        // A chunk's gradients depend only on the chunk and its initial states, not on what produced them.
        layer.Forward(workspace, x, Steps, Batch, default, h0, c0);
        layer.Parameters.ZeroGradients();
        layer.Backward(workspace, dy);
        float[] expected = layer.Parameters.Gradients.ToArray();
        float[] expectedDh0 = workspace.InitialHiddenGradient.ToArray();

        RecurrentWorkspace other = layer.CreateWorkspace();
        layer.Forward(other, TestData.Uniform(Steps * Batch * Input, 14), Steps, Batch);
        layer.Forward(other, x, Steps, Batch, default, h0, c0);
        layer.Parameters.ZeroGradients();
        layer.Backward(other, dy);
        Assert.Equal(expected, layer.Parameters.Gradients.ToArray());
        Assert.Equal(expectedDh0, other.InitialHiddenGradient.ToArray());
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Backward_RunTwice_GivesIdenticalBitsAndAccumulatesParameterGradients(string variant)
    {
        RecurrentLayer layer = Make(variant);
        RecurrentWorkspace workspace = layer.CreateWorkspace();
        float[] dy = TestData.Uniform(Steps * Batch * layer.Options.OutputSize, 15);
        layer.Forward(workspace, TestData.Uniform(Steps * Batch * Input, 16), Steps, Batch, [Steps, 3, 1]);
        layer.Parameters.ZeroGradients();
        layer.Backward(workspace, dy);
        float[] first = layer.Parameters.Gradients.ToArray();
        float[] firstInput = workspace.InputGradient.ToArray();
        layer.Parameters.ZeroGradients();
        layer.Backward(workspace, dy);
        Assert.Equal(first, layer.Parameters.Gradients.ToArray());
        Assert.Equal(firstInput, workspace.InputGradient.ToArray());

        layer.Backward(workspace, dy);
        float[] doubled = layer.Parameters.Gradients.ToArray();
        for (int i = 0; i < first.Length; i++)
        {
            // Products accumulate straight into the gradient buffer, so the second sum starts from the first
            // one instead of adding a separately computed copy: equal to 2·g up to float32 rounding of the sum.
            Assert.True(Math.Abs(doubled[i] - (2f * first[i])) <= AccumulationTolerance * (1f + Math.Abs(first[i])), $"gradient {i}: {doubled[i]} vs 2·{first[i]}");
        }
    }

    [Fact]
    public void Backward_ZeroUpstreamGradient_GivesZeroGradients()
    {
        RecurrentLayer layer = Make("lstm-projection");
        RecurrentWorkspace workspace = layer.CreateWorkspace();
        layer.Forward(workspace, TestData.Uniform(Steps * Batch * Input, 17), Steps, Batch);
        layer.Parameters.ZeroGradients();
        layer.Backward(workspace, new float[Steps * Batch * layer.Options.OutputSize]);
        Assert.All(layer.Parameters.Gradients.ToArray(), g => Assert.Equal(0f, g));
        Assert.All(workspace.InputGradient.ToArray(), g => Assert.Equal(0f, g));
        Assert.All(workspace.InitialHiddenGradient.ToArray(), g => Assert.Equal(0f, g));
    }

    [Fact]
    public void Forward_VariableLengths_FinalHiddenIsEachSequencesLastValidOutput()
    {
        RecurrentLayer layer = Make("gru", layers: 1);
        RecurrentWorkspace workspace = layer.CreateWorkspace();
        int[] lengths = [Steps, 3, 0];
        float[] h0 = TestData.Uniform(Batch * 7, 18);
        layer.Forward(workspace, TestData.Uniform(Steps * Batch * Input, 19), Steps, Batch, lengths, h0);
        for (int b = 0; b < Batch; b++)
        {
            float[] final = workspace.FinalHidden.Slice(b * 7, 7).ToArray();
            float[] expected = lengths[b] == 0
                ? h0.AsSpan(b * 7, 7).ToArray()
                : workspace.Output.Slice((((lengths[b] - 1) * Batch) + b) * 7, 7).ToArray();
            Assert.Equal(expected, final);
            for (int t = lengths[b]; t < Steps; t++)
            {
                Assert.All(workspace.Output.Slice(((t * Batch) + b) * 7, 7).ToArray(), v => Assert.Equal(0f, v));
            }
        }
    }

    [Fact]
    public void Forward_PaddedInputValues_DoNotChangeAnything()
    {
        RecurrentLayer layer = TestData.Layer(CellKind.Lstm, layers: 2, bidirectional: true);
        int[] lengths = [Steps, 2, 5];
        float[] x = TestData.Uniform(Steps * Batch * Input, 20);
        float[] noisy = (float[])x.Clone();
        for (int t = 0; t < Steps; t++)
        {
            for (int b = 0; b < Batch; b++)
            {
                if (t >= lengths[b])
                {
                    noisy.AsSpan(((t * Batch) + b) * Input, Input).Fill(1000f);
                }
            }
        }

        RecurrentWorkspace clean = layer.CreateWorkspace();
        RecurrentWorkspace padded = layer.CreateWorkspace();
        layer.Forward(clean, x, Steps, Batch, lengths);
        layer.Forward(padded, noisy, Steps, Batch, lengths);
        Assert.Equal(clean.Output.ToArray(), padded.Output.ToArray());
        Assert.Equal(clean.FinalHidden.ToArray(), padded.FinalHidden.ToArray());
    }

    [Fact]
    public void Dropout_OnlyWhileTraining_AndEqualsTwoLayersWithTheMaskBetween()
    {
        RecurrentLayer stacked = TestData.Layer(CellKind.Lstm, layers: 2, dropout: 0.4f);
        float[] x = TestData.Uniform(Steps * Batch * Input, 21);
        float[] dy = TestData.Uniform(Steps * Batch * 7, 22);
        RecurrentWorkspace workspace = stacked.CreateWorkspace(dropoutSeed: 5);

        // Inference: no dropout, so the stack equals its two layers run one after another.
        RecurrentLayer bottom = TestData.Layer(CellKind.Lstm, layers: 1);
        RecurrentLayer top = TestData.Layer(CellKind.Lstm, input: 7, layers: 1);
        CopyLayer(stacked, 0, bottom);
        CopyLayer(stacked, 1, top);
        RecurrentWorkspace bottomWorkspace = bottom.CreateWorkspace();
        RecurrentWorkspace topWorkspace = top.CreateWorkspace();
        stacked.Forward(workspace, x, Steps, Batch);
        bottom.Forward(bottomWorkspace, x, Steps, Batch);
        top.Forward(topWorkspace, bottomWorkspace.Output, Steps, Batch);
        Assert.Equal(topWorkspace.Output.ToArray(), workspace.Output.ToArray());

        // Training: the top layer reads the bottom output times the (inverted-dropout) mask, forward and backward.
        stacked.Forward(workspace, x, Steps, Batch, training: true);
        float[] mask = workspace.DropoutMasks[1].AsSpan(0, Steps * Batch * 7).ToArray();
        Assert.Contains(0f, mask);
        Assert.Contains(1f / 0.6f, mask);
        float[] dropped = bottomWorkspace.Output.ToArray();
        for (int i = 0; i < dropped.Length; i++)
        {
            dropped[i] *= mask[i];
        }

        top.Forward(topWorkspace, dropped, Steps, Batch);
        Assert.Equal(topWorkspace.Output.ToArray(), workspace.Output.ToArray());

        stacked.Parameters.ZeroGradients();
        stacked.Backward(workspace, dy);
        top.Parameters.ZeroGradients();
        top.Backward(topWorkspace, dy);
        float[] throughMask = topWorkspace.InputGradient.ToArray();
        for (int i = 0; i < throughMask.Length; i++)
        {
            throughMask[i] *= mask[i];
        }

        bottom.Parameters.ZeroGradients();
        bottom.Backward(bottomWorkspace, throughMask);
        Assert.Equal(bottomWorkspace.InputGradient.ToArray(), workspace.InputGradient.ToArray());
        Assert.Equal(top.Parameters["weight_hh_l0"].Gradients.ToArray(), stacked.Parameters["weight_hh_l1"].Gradients.ToArray());
        Assert.Equal(bottom.Parameters["weight_ih_l0"].Gradients.ToArray(), stacked.Parameters["weight_ih_l0"].Gradients.ToArray());
    }

    [Fact]
    public void Dropout_SameSeed_SameMasks()
    {
        RecurrentLayer layer = TestData.Layer(CellKind.Gru, layers: 3, dropout: 0.5f);
        float[] x = TestData.Uniform(Steps * Batch * Input, 23);
        RecurrentWorkspace a = layer.CreateWorkspace(dropoutSeed: 9);
        RecurrentWorkspace b = layer.CreateWorkspace(dropoutSeed: 9);
        layer.Forward(a, x, Steps, Batch, training: true);
        layer.Forward(b, x, Steps, Batch, training: true);
        Assert.Equal(a.Output.ToArray(), b.Output.ToArray());
    }

    [Fact]
    public void Parameters_HavePyTorchNamesShapesAndOrder()
    {
        RecurrentLayer layer = TestData.Layer(CellKind.Lstm, input: 5, hidden: 7, layers: 2, bidirectional: true, projection: 3);
        string[] names = layer.Parameters.Select(p => p.Name + p.ShapeText).ToArray();
        Assert.Equal(
            [
                "weight_ih_l0[28, 5]", "weight_hh_l0[28, 3]", "bias_ih_l0[28]", "bias_hh_l0[28]", "weight_hr_l0[3, 7]",
                "weight_ih_l0_reverse[28, 5]", "weight_hh_l0_reverse[28, 3]", "bias_ih_l0_reverse[28]", "bias_hh_l0_reverse[28]", "weight_hr_l0_reverse[3, 7]",
                "weight_ih_l1[28, 6]", "weight_hh_l1[28, 3]", "bias_ih_l1[28]", "bias_hh_l1[28]", "weight_hr_l1[3, 7]",
                "weight_ih_l1_reverse[28, 6]", "weight_hh_l1_reverse[28, 3]", "bias_ih_l1_reverse[28]", "bias_hh_l1_reverse[28]", "weight_hr_l1_reverse[3, 7]",
            ],
            names);
        RecurrentLayer peephole = TestData.Layer(CellKind.Lstm, hidden: 4, peephole: true);
        Assert.Equal("[3, 4]", peephole.Parameters["weight_peephole_l0"].ShapeText);
    }

    [Fact]
    public void ResetParameters_IsSeededAndWithinPyTorchsBound()
    {
        RecurrentLayer a = TestData.Layer(CellKind.Gru, hidden: 16);
        RecurrentLayer b = TestData.Layer(CellKind.Gru, hidden: 16);
        Assert.Equal(a.Parameters.Values.ToArray(), b.Parameters.Values.ToArray());
        Assert.All(a.Parameters.Values.ToArray(), v => Assert.InRange(v, -0.25f, 0.25f));
        b.ResetParameters(12);
        Assert.NotEqual(a.Parameters.Values.ToArray(), b.Parameters.Values.ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void CreateWorkspace_WithThreads_GivesTheSameBitsAsOneThread(int batch)
    {
        RecurrentLayer layer = TestData.Layer(CellKind.Lstm, input: 5, hidden: 32, layers: 2);
        float[] x = TestData.Uniform(Steps * batch * Input, 24);
        RecurrentWorkspace single = layer.CreateWorkspace();
        using RecurrentWorkspace threaded = layer.CreateWorkspace(threads: 2);
        threaded.MinParallelStepFlops = 0; // these shapes are below the cut; take the threaded path anyway
        threaded.AdaptiveSplit = false; // the threaded path every time, however the timings go
        Assert.Equal(1, single.Threads);
        Assert.Equal(2, threaded.Threads);
        layer.Forward(single, x, Steps, batch);
        layer.Forward(threaded, x, Steps, batch);
        Assert.Equal(single.Output.ToArray(), threaded.Output.ToArray());
        Assert.Equal(single.FinalCell.ToArray(), threaded.FinalCell.ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(257)]
    public void CreateWorkspace_ThreadsOutOfRange_NamesThreads(int threads)
    {
        RecurrentLayer layer = TestData.Layer(CellKind.Lstm);
        var error = Assert.ThrowsAny<ArgumentException>(() => layer.CreateWorkspace(threads: threads));
        Assert.Equal("threads", error.ParamName);
        Assert.Contains(threads.ToString(), error.Message, StringComparison.Ordinal);
    }

    private static void CopyLayer(RecurrentLayer source, int layer, RecurrentLayer target)
    {
        foreach (Parameter parameter in target.Parameters)
        {
            string name = parameter.Name.Replace("_l0", $"_l{layer}", StringComparison.Ordinal);
            parameter.CopyFrom(source.Parameters[name].Values);
        }
    }
}
