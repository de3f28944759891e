using Xunit;

namespace FastLstm.Tests.Layers;

/// <summary>Bad input gets an ArgumentException naming the argument, with the expected and the actual value.</summary>
public sealed class BadInputTests
{
    private const int Steps = 4;
    private const int Batch = 2;
    private readonly RecurrentLayer _lstm = TestData.Layer(CellKind.Lstm, input: 5, hidden: 7, layers: 2);
    private readonly RecurrentLayer _gru = TestData.Layer(CellKind.Gru, input: 5, hidden: 7);

    private float[] Input => new float[Steps * Batch * 5];

    [Fact]
    public void Forward_InputOfWrongLength_NamesInputExpectedAndActual()
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => _lstm.Forward(_lstm.CreateWorkspace(), new float[39], Steps, Batch));
        AssertNames(error, "input", "40", "39");
    }

    [Theory]
    [InlineData(0, 2, "sequenceLength")]
    [InlineData(-1, 2, "sequenceLength")]
    [InlineData(4, 0, "batchSize")]
    public void Forward_NonPositiveSizes_NameTheSize(int steps, int batch, string name)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => _lstm.Forward(_lstm.CreateWorkspace(), Input, steps, batch));
        AssertNames(error, name, steps < 1 ? steps.ToString() : batch.ToString());
    }

    [Fact]
    public void Forward_LengthsCountNotBatch_NamesLengths()
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => _lstm.Forward(_lstm.CreateWorkspace(), Input, Steps, Batch, [4, 4, 4]));
        AssertNames(error, "lengths", "B = 2", "3");
    }

    [Theory]
    [InlineData(5)]
    [InlineData(-1)]
    public void Forward_LengthOutsideZeroToT_NamesLengthsAndValue(int length)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => _lstm.Forward(_lstm.CreateWorkspace(), Input, Steps, Batch, [4, length]));
        AssertNames(error, "lengths", "lengths[1]", "sequenceLength = 4", length.ToString());
    }

    [Fact]
    public void Forward_InitialHiddenOfWrongLength_NamesItWithShape()
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => _lstm.Forward(_lstm.CreateWorkspace(), Input, Steps, Batch, initialHidden: new float[27]));
        AssertNames(error, "initialHidden", "28", "27", "(L·D)·B·Hout = 2·2·7");
    }

    [Fact]
    public void Forward_InitialCellOfWrongLength_NamesIt()
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => _lstm.Forward(_lstm.CreateWorkspace(), Input, Steps, Batch, initialCell: new float[29]));
        AssertNames(error, "initialCell", "28", "29");
    }

    [Fact]
    public void Forward_InitialCellForGru_IsRejected()
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => _gru.Forward(_gru.CreateWorkspace(), Input, Steps, Batch, initialCell: new float[14]));
        AssertNames(error, "initialCell", "Gru", "14");
    }

    [Fact]
    public void Forward_WorkspaceOfAnotherLayer_NamesWorkspace()
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => _lstm.Forward(_gru.CreateWorkspace(), Input, Steps, Batch));
        AssertNames(error, "workspace");
    }

    [Fact]
    public void Backward_BeforeForward_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => _lstm.Backward(_lstm.CreateWorkspace(), new float[Steps * Batch * 7]));
    }

    [Fact]
    public void Backward_OutputGradientOfWrongLength_NamesIt()
    {
        RecurrentWorkspace workspace = _lstm.CreateWorkspace();
        _lstm.Forward(workspace, Input, Steps, Batch);
        var error = Assert.ThrowsAny<ArgumentException>(() => _lstm.Backward(workspace, new float[55]));
        AssertNames(error, "outputGradient", "56", "55");
        error = Assert.ThrowsAny<ArgumentException>(() => _lstm.Backward(workspace, default, new float[3]));
        AssertNames(error, "finalHiddenGradient", "28", "3");
        error = Assert.ThrowsAny<ArgumentException>(() => _lstm.Backward(workspace, default, default, new float[3]));
        AssertNames(error, "finalCellGradient", "28", "3");
    }

    [Fact]
    public void Workspace_ResultsBeforeForward_Throw()
    {
        RecurrentWorkspace workspace = _lstm.CreateWorkspace();
        Assert.Throws<InvalidOperationException>(() => workspace.Output.Length);
        Assert.Throws<InvalidOperationException>(() => workspace.InputGradient.Length);
    }

    [Fact]
    public void Parameters_UnknownName_ListsTheKnownNames()
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => _lstm.Parameters["weight_ih_l2"]);
        AssertNames(error, "name", "weight_ih_l2", "weight_ih_l0", "bias_hh_l1");
    }

    [Fact]
    public void Parameter_CopyFromWithWrongShape_NamesParameterAndBothShapes()
    {
        Parameter weight = _lstm.Parameters["weight_hh_l0"];
        var error = Assert.ThrowsAny<ArgumentException>(() => weight.CopyFrom(new float[28 * 7], [7, 28]));
        AssertNames(error, "shape", "weight_hh_l0", "[28, 7]", "[7, 28]");
        error = Assert.ThrowsAny<ArgumentException>(() => weight.CopyFrom(new float[10]));
        AssertNames(error, "values", "196", "10");
    }

    [Fact]
    public void Parameter_FailedCopy_LeavesValuesUntouched()
    {
        Parameter weight = _lstm.Parameters["weight_hh_l0"];
        float[] before = weight.Values.ToArray();
        Assert.ThrowsAny<ArgumentException>(() => weight.CopyFrom(new float[28 * 7], [7, 28]));
        Assert.Equal(before, weight.Values.ToArray());
    }

    public static TheoryData<RecurrentOptions, string> BadOptions => new()
    {
        { new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 0, HiddenSize = 4 }, "InputSize" },
        { new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 3, HiddenSize = -2 }, "HiddenSize" },
        { new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 3, HiddenSize = 4, NumLayers = 0 }, "NumLayers" },
        { new RecurrentOptions { Cell = CellKind.Gru, InputSize = 3, HiddenSize = 4, ProjectionSize = 2 }, "ProjectionSize" },
        { new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 3, HiddenSize = 4, ProjectionSize = 4 }, "ProjectionSize" },
        { new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 3, HiddenSize = 4, ProjectionSize = 2, Peephole = true }, "Peephole" },
        { new RecurrentOptions { Cell = CellKind.RnnTanh, InputSize = 3, HiddenSize = 4, Peephole = true }, "Peephole" },
        { new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 3, HiddenSize = 4, GruLinearBeforeReset = false }, "GruLinearBeforeReset" },
        { new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 3, HiddenSize = 4, Dropout = 1f }, "Dropout" },
        { new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 3, HiddenSize = 4, Dropout = float.NaN }, "Dropout" },
        { new RecurrentOptions { Cell = (CellKind)9, InputSize = 3, HiddenSize = 4 }, "Cell" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Constructor_BadOption_NamesTheField(RecurrentOptions options, string field)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new RecurrentLayer(options));
        AssertNames(error, nameof(options), field);
    }

    [Fact]
    public void Step_OnBidirectionalLayer_Throws()
    {
        RecurrentLayer layer = TestData.Layer(CellKind.Lstm, bidirectional: true);
        Assert.Throws<InvalidOperationException>(() => layer.CreateState());
    }

    [Fact]
    public void Step_WrongLengthsOrForeignState_NameTheArgument()
    {
        RecurrentState state = _lstm.CreateState(Batch);
        var error = Assert.ThrowsAny<ArgumentException>(() => _lstm.Step(state, new float[9], new float[14]));
        AssertNames(error, "input", "10", "9");
        error = Assert.ThrowsAny<ArgumentException>(() => _lstm.Step(state, new float[10], new float[13]));
        AssertNames(error, "output", "14", "13");
        error = Assert.ThrowsAny<ArgumentException>(() => _gru.Step(state, new float[10], new float[14]));
        AssertNames(error, "state");
        Assert.ThrowsAny<ArgumentException>(() => _lstm.CreateState(0));
    }

    [Fact]
    public void Dense_WrongLengths_NameTheArgument()
    {
        var dense = new Dense(3, 2);
        var error = Assert.ThrowsAny<ArgumentException>(() => dense.Forward(new float[7], new float[4]));
        AssertNames(error, "input", "3", "7");
        error = Assert.ThrowsAny<ArgumentException>(() => dense.Forward(new float[6], new float[5]));
        AssertNames(error, "output", "4", "5");
        error = Assert.ThrowsAny<ArgumentException>(() => dense.Backward(new float[6], new float[4], new float[5]));
        AssertNames(error, "inputGradient", "6", "5");
        Assert.ThrowsAny<ArgumentException>(() => new Dense(0, 2));
    }

    [Fact]
    public void Embedding_TokenOutOfRange_NamesTokenIndexAndRange()
    {
        var embedding = new Embedding(5, 2);
        var error = Assert.ThrowsAny<ArgumentException>(() => embedding.Forward([1, 5], new float[4]));
        AssertNames(error, "tokens", "tokens[1]", "[0, 5)", "5");
        error = Assert.ThrowsAny<ArgumentException>(() => embedding.Forward([1, -1], new float[4]));
        AssertNames(error, "tokens", "-1");
        error = Assert.ThrowsAny<ArgumentException>(() => embedding.Forward([1, 2], new float[3]));
        AssertNames(error, "output", "4", "3");
    }

    private static void AssertNames(ArgumentException error, string paramName, params string[] fragments)
    {
        Assert.Equal(paramName, error.ParamName);
        foreach (string fragment in fragments)
        {
            Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        }
    }
}
