using Xunit;
using FastLstm.Training;

namespace FastLstm.Tests.Training;

public class RecurrentModelTests
{
    // Float32 model, central differences with step 1e-2 in float: truncation O(h²) and rounding ~1e-7/h of the
    // loss keep the numeric gradient within a few 1e-3 of the analytic one for these O(1) gradients.
    private const float FiniteDifferenceStep = 1e-2f;
    private const double AbsoluteTolerance = 5e-3;
    private const double RelativeTolerance = 2e-2;

    public static TheoryData<CellKind, HeadMode, bool, bool> Configurations => new()
    {
        { CellKind.Lstm, HeadMode.LastStep, true, false },
        { CellKind.Gru, HeadMode.LastStep, false, true },
        { CellKind.RnnTanh, HeadMode.EveryStep, true, false },
        { CellKind.Lstm, HeadMode.EveryStep, true, true },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Backward_MatchesFiniteDifferences(CellKind cell, HeadMode head, bool withLengths, bool bidirectional)
    {
        var options = new RecurrentOptions { Cell = cell, InputSize = 3, HiddenSize = 4, Bidirectional = bidirectional, NumLayers = 2 };
        var model = new RecurrentModel(options, 2, head, seed: 11);
        const int steps = 5;
        const int batch = 3;
        var random = new Random(2);
        var input = new float[steps * batch * 3];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = (random.NextSingle() * 2f) - 1f;
        }

        int[] lengths = withLengths ? [5, 2, 4] : [];
        int rows = head == HeadMode.LastStep ? batch : steps * batch;
        var targets = new float[rows * 2];
        for (int i = 0; i < targets.Length; i++)
        {
            targets[i] = (random.NextSingle() * 2f) - 1f;
        }

        bool[] mask = new bool[rows];
        for (int r = 0; r < rows; r++)
        {
            mask[r] = head == HeadMode.LastStep || !withLengths || (r / batch) < lengths[r % batch];
        }

        var loss = new MeanSquaredError();
        ModelWorkspace workspace = model.CreateWorkspace();
        var gradient = new float[rows * 2];
        double Loss()
        {
            model.Forward(workspace, input, steps, batch, lengths);
            return loss.Compute(workspace.Output, targets, 2, mask, gradient).Mean;
        }

        model.ZeroGradients();
        Loss();
        model.Backward(workspace, gradient);
        foreach (ParameterList list in model.Parameters)
        {
            float[] analytic = list.Gradients.ToArray();
            for (int i = 0; i < list.TotalLength; i += 3)
            {
                float saved = list.Values[i];
                list.Values[i] = saved + FiniteDifferenceStep;
                list.MarkChanged();
                double plus = Loss();
                list.Values[i] = saved - FiniteDifferenceStep;
                list.MarkChanged();
                double minus = Loss();
                list.Values[i] = saved;
                list.MarkChanged();
                double numeric = (plus - minus) / (2 * FiniteDifferenceStep);
                Assert.True(
                    Math.Abs(analytic[i] - numeric) <= AbsoluteTolerance + (RelativeTolerance * Math.Abs(numeric)),
                    $"{cell} {head} parameter {i}: analytic {analytic[i]}, numeric {numeric}");
            }
        }
    }

    [Fact]
    public void LastStepHead_WithLengths_ReadsEachSequencesLastValidStep()
    {
        RecurrentModel model = TrainingData.Model(CellKind.Lstm, 2, 5, 3, HeadMode.LastStep);
        SequenceDataset data = TrainingData.MeanOfInputs(3, 6, seed: 4);
        var batch = new SequenceBatch(6, 3, 2, 1, false);
        batch.Fill(data, [0, 1, 2]);
        int[] lengths = [6, 2, 4];
        ModelWorkspace workspace = model.CreateWorkspace();
        model.Forward(workspace, batch.Inputs, 6, 3, lengths);
        float[] together = workspace.Output.ToArray();

        for (int b = 0; b < 3; b++)
        {
            // Sequence b alone, cut to its length: its output must equal row b of the padded batch.
            var alone = new float[lengths[b] * 2];
            for (int t = 0; t < lengths[b]; t++)
            {
                batch.Inputs.Slice(((t * 3) + b) * 2, 2).CopyTo(alone.AsSpan(t * 2, 2));
            }

            model.Forward(workspace, alone, lengths[b], 1);
            Assert.Equal(together.AsSpan(b * 3, 3).ToArray(), workspace.Output.ToArray());
        }
    }

    [Fact]
    public void EmbeddingModel_TokenOutOfRange_Throws()
    {
        RecurrentModel model = TrainingData.Model(CellKind.Gru, 4, 5, 6, HeadMode.EveryStep, vocabulary: 6);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(model.CreateWorkspace(), [1f, 6f], 2, 1));
        Assert.Contains("[0, 6)", error.Message);
    }

    [Fact]
    public void Step_MatchesForward()
    {
        RecurrentModel model = TrainingData.Model(CellKind.Gru, 4, 5, 6, HeadMode.EveryStep, vocabulary: 6);
        float[] tokens = [1f, 5f, 0f, 3f];
        ModelWorkspace workspace = model.CreateWorkspace();
        model.Forward(workspace, tokens, 4, 1);
        ModelState state = model.CreateState();
        var output = new float[6];
        for (int t = 0; t < 4; t++)
        {
            model.Step(state, tokens.AsSpan(t, 1), output);
            float[] expected = workspace.Output.Slice(t * 6, 6).ToArray();
            for (int k = 0; k < 6; k++)
            {
                Assert.Equal(expected[k], output[k], 5);
            }
        }
    }
}
