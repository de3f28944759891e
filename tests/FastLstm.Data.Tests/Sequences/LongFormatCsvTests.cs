namespace FastLstm.Data.Tests;

public sealed class LongFormatCsvTests : IDisposable
{
    // Three cases of lengths 3, 1 and 2, the layout of the UCR/UEA long exports.
    private const string ThreeCases =
        "case_id,split,label,t,x,y\n" +
        "a,train,up,0,1,10\n" +
        "a,train,up,1,2,20\n" +
        "a,train,up,2,3,30\n" +
        "b,test,down,0,100,40\n" +
        "c,train,up,0,5,50\n" +
        "c,train,up,1,6,60\n";

    private static readonly LongFormatCsvOptions WithSplitAndTime = new() { SplitColumn = "split", TimeColumn = "t" };

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Load_CasesOfDifferentLengths_AreReadInFileOrder()
    {
        string path = _temp.Write("cases.csv", ThreeCases);

        SequenceDataset data = LongFormatCsv.Load(path, WithSplitAndTime);

        Assert.Equal(3, data.Count);
        Assert.Equal(["a", "b", "c"], data.CaseIds);
        Assert.Equal([3, 1, 2], data.Lengths);
        Assert.Equal(3, data.MaxLength);
        Assert.Equal(["x", "y"], data.FeatureNames); // every column without a role, in file order
        Assert.Equal(["down", "up"], data.LabelNames);
        Assert.Equal([1, 0, 1], data.Labels);
        Assert.Equal([DataSplit.Train, DataSplit.Test, DataSplit.Train], data.Splits);
        Assert.Equal(new float[] { 1, 10, 2, 20, 3, 30 }, data.GetSequence(0).ToArray());
        Assert.Equal(new float[] { 5, 50, 6, 60 }, data.GetSequence(2).ToArray());
        Assert.Equal([1, 2], data.CountPerLabel());
    }

    [Fact]
    public void Load_WithoutSplitOrTimeColumn_TreatsThemAsFeaturesUnlessNamed()
    {
        string path = _temp.Write("plain.csv", "case_id,label,v\n1,A,0.5\n1,A,1.5\n2,B,2.5\n");

        SequenceDataset data = LongFormatCsv.Load(path);

        Assert.Equal(["v"], data.FeatureNames);
        Assert.Equal([DataSplit.None, DataSplit.None], data.Splits);
        Assert.Equal([2, 1], data.Lengths);
    }

    [Fact]
    public void Load_FeatureColumns_SelectsAndOrdersThem()
    {
        string path = _temp.Write("features.csv", ThreeCases);

        SequenceDataset data = LongFormatCsv.Load(path, new LongFormatCsvOptions { SplitColumn = "split", FeatureColumns = ["y", "t"] });

        Assert.Equal(["y", "t"], data.FeatureNames);
        Assert.Equal(new float[] { 10, 0, 20, 1, 30, 2 }, data.GetSequence(0).ToArray());
    }

    [Fact]
    public void CopyBatchTimeMajor_PadsWithZerosAfterEachLength()
    {
        SequenceDataset data = LongFormatCsv.Load(_temp.Write("cases.csv", ThreeCases), WithSplitAndTime);
        int[] batch = [1, 0, 2];
        const int T = 4;
        var inputs = new float[T * batch.Length * 2];
        inputs.AsSpan().Fill(-1f); // must be overwritten, padding included
        var lengths = new int[3];
        var labels = new int[3];

        int longest = data.CopyBatchTimeMajor(batch, T, inputs, lengths, labels);

        Assert.Equal(3, longest);
        Assert.Equal([1, 3, 2], lengths);
        Assert.Equal([0, 1, 1], labels);
        // (T, B, F): step t of batch entry b at (t·3 + b)·2.
        float[] expected =
        [
            100, 40, 1, 10, 5, 50, // t = 0: b, a, c
            0, 0, 2, 20, 6, 60,    // t = 1: b has ended
            0, 0, 3, 30, 0, 0,     // t = 2: only a
            0, 0, 0, 0, 0, 0,      // t = 3: padding
        ];
        Assert.Equal(expected, inputs);
    }

    [Fact]
    public void CopyBatchTimeMajor_CaseLongerThanTimeSteps_ThrowsNamingTheCase()
    {
        SequenceDataset data = LongFormatCsv.Load(_temp.Write("cases.csv", ThreeCases), WithSplitAndTime);

        ArgumentException e = Assert.Throws<ArgumentException>(() => data.CopyBatchTimeMajor([0], 2, new float[4], new int[1], new int[1]));

        Assert.Equal("timeSteps", e.ParamName);
        Assert.Contains("'a'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SubsetAndScaler_FittedOnTrainingCasesOnly()
    {
        SequenceDataset data = LongFormatCsv.Load(_temp.Write("cases.csv", ThreeCases), WithSplitAndTime);

        SequenceDataset train = data.Subset(DataSplit.Train);
        Scaler scaler = train.FitScaler(ScalerKind.MinMax);
        SequenceDataset scaled = data.Scaled(scaler);

        Assert.Equal(["a", "c"], train.CaseIds);
        // Training cases a and c: x spans 1..6, y 10..60. The test case's x = 100 must not widen the range.
        Assert.Equal([1.0, 10.0], scaler.State.Offsets);
        Assert.Equal([5.0, 50.0], scaler.State.Scales);
        Assert.Equal(new float[] { 19.8f, 0.6f }, scaled.GetSequence(1).ToArray());
        Assert.Equal(new float[] { 1, 10, 2, 20, 3, 30 }, data.GetSequence(0).ToArray()); // the original is untouched
    }

    [Fact]
    public void Load_CaseComingBackAfterAnother_NamesTheLineAndTheEarlierRows()
    {
        string path = _temp.Write("interleaved.csv", "case_id,label,x\na,up,1\na,up,2\nb,up,3\na,up,4\n");

        DataFormatException e = DataFormatAssert.Throws(() => LongFormatCsv.Load(path), path, 5, "case_id");

        Assert.Contains("lines 2 to 3", e.Message, StringComparison.Ordinal);
        Assert.Contains("contiguous", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LabelChangingWithinACase_NamesTheLineAndLabelColumn()
    {
        string path = _temp.Write("label_change.csv", "case_id,label,x\na,up,1\na,up,2\na,down,3\n");

        DataFormatException e = DataFormatAssert.Throws(() => LongFormatCsv.Load(path), path, 4, "label");

        Assert.Contains("'down'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'up'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SplitChangingWithinACase_NamesTheLineAndSplitColumn()
    {
        string path = _temp.Write("split_change.csv", "case_id,split,label,x\na,train,up,1\na,test,up,2\n");

        DataFormatAssert.Throws(() => LongFormatCsv.Load(path, new LongFormatCsvOptions { SplitColumn = "split" }), path, 3, "split");
    }

    [Fact]
    public void Load_UnknownSplitValue_NamesTheLine()
    {
        string path = _temp.Write("bad_split.csv", "case_id,split,label,x\na,training,up,1\n");

        DataFormatException e = DataFormatAssert.Throws(() => LongFormatCsv.Load(path, new LongFormatCsvOptions { SplitColumn = "split" }), path, 2, "split");

        Assert.Contains("'training'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SplitNamesAreCaseInsensitive()
    {
        string path = _temp.Write("split_case.csv", "case_id,split,label,x\na,TRAIN,up,1\nb,Valid,up,1\nc,Test,up,1\n");

        SequenceDataset data = LongFormatCsv.Load(path, new LongFormatCsvOptions { SplitColumn = "split" });

        Assert.Equal([DataSplit.Train, DataSplit.Validation, DataSplit.Test], data.Splits);
    }

    [Theory]
    [InlineData("1", "1")]
    [InlineData("2", "1")]
    [InlineData("2000-01-02", "2000-01-01")]
    public void Load_TimeNotIncreasingWithinACase_NamesTheLineAndTimeColumn(string first, string second)
    {
        string path = _temp.Write("time.csv", $"case_id,label,t,x\na,up,{first},1\na,up,{second},2\n");

        DataFormatAssert.Throws(() => LongFormatCsv.Load(path, new LongFormatCsvOptions { TimeColumn = "t" }), path, 3, "t");
    }

    [Fact]
    public void Load_TimeRestartingInANewCase_IsFine()
    {
        string path = _temp.Write("time_restart.csv", "case_id,label,t,x\na,up,5,1\na,up,6,1\nb,up,0,2\n");

        Assert.Equal([2, 1], LongFormatCsv.Load(path, new LongFormatCsvOptions { TimeColumn = "t" }).Lengths);
    }

    [Fact]
    public void Load_TextInFeature_NamesLineAndColumn()
    {
        string path = _temp.Write("text_feature.csv", "case_id,label,x,y\na,up,1,2\na,up,3,four\n");

        DataFormatAssert.Throws(() => LongFormatCsv.Load(path), path, 3, "y");
    }

    [Fact]
    public void Load_EmptyFeatureCell_NamesLineAndColumn()
    {
        string path = _temp.Write("empty_feature.csv", "case_id,label,x,y\na,up,,2\n");

        DataFormatAssert.Throws(() => LongFormatCsv.Load(path), path, 2, "x");
    }

    [Fact]
    public void Load_EmptyCaseId_NamesLineAndColumn()
    {
        string path = _temp.Write("empty_id.csv", "case_id,label,x\na,up,1\n,up,2\n");

        DataFormatAssert.Throws(() => LongFormatCsv.Load(path), path, 3, "case_id");
    }

    [Fact]
    public void Load_RaggedRow_NamesLineAndColumn()
    {
        string path = _temp.Write("ragged.csv", "case_id,label,x,y\na,up,1,2\na,up,3\n");

        DataFormatAssert.Throws(() => LongFormatCsv.Load(path), path, 3, "y");
    }

    [Fact]
    public void Load_MissingCaseIdColumn_NamesIt()
    {
        string path = _temp.Write("no_id.csv", "id,label,x\na,up,1\n");

        DataFormatAssert.Throws(() => LongFormatCsv.Load(path), path, 1, "case_id");
    }

    [Fact]
    public void Load_NoFeatureColumns_NamesTheHeader()
    {
        string path = _temp.Write("no_features.csv", "case_id,label\na,up\n");

        DataFormatAssert.Throws(() => LongFormatCsv.Load(path), path, 1, null);
    }

    [Fact]
    public void Load_LabelOutsideFixedNames_NamesLineAndColumn()
    {
        string path = _temp.Write("fixed_labels.csv", "case_id,label,x\na,up,1\nb,sideways,2\n");

        DataFormatAssert.Throws(() => LongFormatCsv.Load(path, new LongFormatCsvOptions { LabelNames = ["up", "down"] }), path, 3, "label");
    }

    [Fact]
    public void Load_OneColumnInTwoRoles_ThrowsArgumentException()
    {
        string path = _temp.Write("roles.csv", "case_id,label,x\na,up,1\n");

        ArgumentException e = Assert.Throws<ArgumentException>(() => LongFormatCsv.Load(path, new LongFormatCsvOptions { TimeColumn = "label" }));

        Assert.Equal("options", e.ParamName);
    }

    [Fact]
    public void Load_ManyCasesOfVaryingLength_KeepsEveryValue()
    {
        // 500 cases of lengths 1..50 (as in Japanese Vowels: 7 to 29), values encoding case and step.
        var text = new System.Text.StringBuilder("case_id,split,label,t,f1,f2\n");
        for (int c = 0; c < 500; c++)
        {
            for (int t = 0; t < 1 + (c % 50); t++)
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"case{c},{(c % 4 == 0 ? "test" : "train")},{c % 9 + 1},{t},{c}.{t:D2},{-t}\n");
            }
        }

        SequenceDataset data = LongFormatCsv.Load(_temp.Write("many.csv", text.ToString()), WithSplitAndTime);

        Assert.Equal(500, data.Count);
        Assert.Equal(["1", "2", "3", "4", "5", "6", "7", "8", "9"], data.LabelNames);
        Assert.Equal(125, data.Subset(DataSplit.Test).Count);
        for (int c = 0; c < 500; c++)
        {
            Assert.Equal(1 + (c % 50), data.Lengths[c]);
            Assert.Equal(c % 9, data.Labels[c]);
            ReadOnlySpan<float> sequence = data.GetSequence(c);
            Assert.Equal(float.Parse($"{c}.{data.Lengths[c] - 1:D2}", System.Globalization.CultureInfo.InvariantCulture), sequence[^2]);
            Assert.Equal(-(data.Lengths[c] - 1), sequence[^1]);
        }
    }
}
