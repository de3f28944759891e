using System.Text;
using FastLstm.Training;
using Xunit;

namespace FastLstm.Infer.Tests;

/// <summary>fastlstm-infer's runner in process (JIT): the same numbers as the engine, bit for bit.</summary>
public class InferenceRunnerTests
{
    [Fact]
    public void Stream_PrintsTheModelsStepOutputs_BitForBit_AndABlankLineStartsANewStream()
    {
        RecurrentModel model = InferTestData.Forecaster();
        float[][][] segments = [InferTestData.Rows(model, 40, 1), InferTestData.Rows(model, 7, 2)];
        string output = Run(model, InferTestData.Csv(model, segments), stream: true);
        Assert.Equal(InferTestData.ExpectedStream(model, segments), InferTestData.ParseOutput(output));
    }

    [Fact]
    public void Sequence_LastStepHead_PrintsOneRowPerSequence()
    {
        RecurrentModel model = InferTestData.Bidirectional();
        float[][][] segments = [InferTestData.Rows(model, 12, 3), InferTestData.Rows(model, 1, 4), InferTestData.Rows(model, 30, 5)];
        string output = Run(model, InferTestData.Csv(model, segments, "\r\n"), stream: false);
        Assert.Equal(InferTestData.ExpectedSequences(model, segments), InferTestData.ParseOutput(output));
        Assert.Equal(3, InferTestData.ParseOutput(output).Count);
    }

    [Fact]
    public void Sequence_EveryStepHead_PrintsARowPerStepThenABlankLine()
    {
        RecurrentModel model = InferTestData.Tagger();
        float[][][] segments = [InferTestData.Rows(model, 9, 6), InferTestData.Rows(model, 4, 7)];
        string output = Run(model, InferTestData.Csv(model, segments), stream: false);
        Assert.Equal(InferTestData.ExpectedSequences(model, segments), InferTestData.ParseOutput(output));
    }

    [Fact]
    public void EmbeddingModel_ReadsTokenIds()
    {
        RecurrentModel model = InferTestData.CharModel();
        float[][][] segments = [InferTestData.Rows(model, 25, 8)];
        Assert.Equal(InferTestData.ExpectedStream(model, segments), InferTestData.ParseOutput(Run(model, InferTestData.Csv(model, segments), stream: true)));
        Assert.Equal(InferTestData.ExpectedSequences(model, segments), InferTestData.ParseOutput(Run(model, InferTestData.Csv(model, segments), stream: false)));
    }

    [Fact]
    public void CommentsSpacesAndNoHeader_AreAccepted()
    {
        RecurrentModel model = InferTestData.Tagger();
        string output = Run(model, "# a comment\n 0.5 , -1\n# another\n2,3", stream: true);
        Assert.Equal(InferTestData.ExpectedStream(model, [[[0.5f, -1f], [2f, 3f]]]), InferTestData.ParseOutput(output));
    }

    [Theory]
    [InlineData("x0,x1\n1,2\n1,abc\n", 3, "value 2, 'abc', is not a number")]
    [InlineData("1,2\n1,2,3\n", 2, "expected 2 values")]
    [InlineData("1\n", 1, "expected 2 values")]
    [InlineData("1,2\nfoo,bar\n", 2, "value 1, 'foo', is not a number")]
    public void BadRows_NameTheLine(string csv, long line, string message)
    {
        RecurrentModel model = InferTestData.Tagger();
        InputRowException error = Assert.Throws<InputRowException>(() => Run(model, csv, stream: true));
        Assert.Equal(line, error.Line);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void TokenIdOutOfRange_IsABadRow()
    {
        InputRowException error = Assert.Throws<InputRowException>(() => Run(InferTestData.CharModel(), "1\n2\n99\n", stream: true));
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void Output_IsShortestRoundTripText()
    {
        using var stream = new MemoryStream();
        var output = new CsvOutput(stream);
        float[] values = [0.1f, -1.1754944E-38f, float.MaxValue, 1e-45f, 0f, -0f, 123456.79f];
        output.WriteRow(values);
        output.Flush();
        string text = Encoding.UTF8.GetString(stream.ToArray());
        Assert.Equal("0.1,-1.1754944E-38,3.4028235E+38,1E-45,0,-0,123456.79\n", text);
    }

    [Fact]
    public void LongLines_BeyondTheReadBuffer_AreRead()
    {
        RecurrentModel model = new(new RecurrentOptions { Cell = CellKind.RnnTanh, InputSize = 20_000, HiddenSize = 2 }, 1, HeadMode.LastStep);
        float[][] rows = InferTestData.Rows(model, 3, 9);
        string output = Run(model, InferTestData.Csv(model, [rows]), stream: true);
        Assert.Equal(InferTestData.ExpectedStream(model, [rows]), InferTestData.ParseOutput(output));
    }

    private static string Run(RecurrentModel model, string csv, bool stream)
    {
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(csv));
        using var output = new MemoryStream();
        var runner = new InferenceRunner(model, input, output);
        if (stream)
        {
            runner.RunStream();
        }
        else
        {
            runner.RunSequences();
        }

        runner.Flush();
        return Encoding.UTF8.GetString(output.ToArray());
    }
}
