namespace FastLstm.Data;

/// <summary>
/// Labelled multivariate sequences of different lengths, one per case: case i is a row-major array
/// (length_i, <see cref="Features"/>) with one label and one split.
/// </summary>
/// <remarks>
/// <para><see cref="CopyBatchTimeMajor"/> gathers cases into the engine's time-major layout (T, B, F), zero-padded
/// after each case's length, with the lengths beside it for the engine's sequence-length support.</para>
/// <para>Scale with statistics from the training cases only:
/// <c>var scaler = data.Subset(DataSplit.Train).FitScaler(ScalerKind.ZScore); var scaled = data.Scaled(scaler);</c></para>
/// <para>Immutable (do not write to the spans it hands out); may be read from several threads at once.</para>
/// </remarks>
public sealed class SequenceDataset
{
    private readonly float[][] _sequences;
    private readonly int[] _labels;
    private readonly DataSplit[] _splits;
    private readonly string[] _caseIds;
    private readonly string[] _featureNames;
    private readonly string[] _labelNames;
    private readonly int[] _lengths;

    internal SequenceDataset(float[][] sequences, int[] labels, DataSplit[] splits, string[] caseIds, string[] featureNames, string[] labelNames, string source)
    {
        _sequences = sequences;
        _labels = labels;
        _splits = splits;
        _caseIds = caseIds;
        _featureNames = featureNames;
        _labelNames = labelNames;
        Source = source;
        _lengths = new int[sequences.Length];
        for (int i = 0; i < sequences.Length; i++)
        {
            _lengths[i] = sequences[i].Length / featureNames.Length;
            MaxLength = Math.Max(MaxLength, _lengths[i]);
        }
    }

    /// <summary>The file the sequences were read from, as the caller named it.</summary>
    public string Source { get; }

    /// <summary>The number of cases.</summary>
    public int Count => _sequences.Length;

    /// <summary>F, the values per time step.</summary>
    public int Features => _featureNames.Length;

    /// <summary>The length of the longest case (0 when there are no cases).</summary>
    public int MaxLength { get; }

    /// <summary>The feature column names, in value order.</summary>
    public IReadOnlyList<string> FeatureNames => _featureNames;

    /// <summary>The label names; label index k is <c>LabelNames[k]</c>.</summary>
    public IReadOnlyList<string> LabelNames => _labelNames;

    /// <summary>The id of each case, as written in the file.</summary>
    public IReadOnlyList<string> CaseIds => _caseIds;

    /// <summary>The label index of each case.</summary>
    public IReadOnlyList<int> Labels => _labels;

    /// <summary>The split of each case (<see cref="DataSplit.None"/> when the file has no split column).</summary>
    public IReadOnlyList<DataSplit> Splits => _splits;

    /// <summary>The number of time steps of each case.</summary>
    public IReadOnlyList<int> Lengths => _lengths;

    /// <summary>The values of case <paramref name="index"/>, row-major (length, <see cref="Features"/>).</summary>
    /// <param name="index">A case index in [0, <see cref="Count"/>).</param>
    /// <returns>The values.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The index is outside [0, <see cref="Count"/>).</exception>
    public ReadOnlySpan<float> GetSequence(int index)
    {
        CheckCase(index, nameof(index));
        return _sequences[index];
    }

    /// <summary>The cases of one split, in file order.</summary>
    /// <param name="split">The split wanted.</param>
    /// <returns>A data set sharing this one's arrays, with the same feature and label names.</returns>
    public SequenceDataset Subset(DataSplit split)
    {
        var picked = new List<int>();
        for (int i = 0; i < _splits.Length; i++)
        {
            if (_splits[i] == split)
            {
                picked.Add(i);
            }
        }

        var sequences = new float[picked.Count][];
        var labels = new int[picked.Count];
        var splits = new DataSplit[picked.Count];
        var caseIds = new string[picked.Count];
        for (int k = 0; k < picked.Count; k++)
        {
            int i = picked[k];
            (sequences[k], labels[k], splits[k], caseIds[k]) = (_sequences[i], _labels[i], _splits[i], _caseIds[i]);
        }

        return new SequenceDataset(sequences, labels, splits, caseIds, _featureNames, _labelNames, Source);
    }

    /// <summary>Fits a scaler on every time step of every case of this data set (call it on the training subset).</summary>
    /// <param name="kind">The kind of scaling.</param>
    /// <returns>The fitted scaler, one column per feature.</returns>
    /// <exception cref="ArgumentException">The data set has no time steps.</exception>
    public Scaler FitScaler(ScalerKind kind) => Scaler.Fit(kind, _sequences, _featureNames);

    /// <summary>A copy of this data set with <paramref name="scaler"/> applied to every time step.</summary>
    /// <param name="scaler">A scaler with one column per feature.</param>
    /// <returns>The scaled data set.</returns>
    /// <exception cref="ArgumentException">The scaler has a different number of columns.</exception>
    public SequenceDataset Scaled(Scaler scaler)
    {
        ArgumentNullException.ThrowIfNull(scaler);
        if (scaler.Features != Features)
        {
            ThrowHelper.ThrowArgument(nameof(scaler), $"Expected a scaler of {Features} columns; got {scaler.Features}.");
        }

        var sequences = new float[_sequences.Length][];
        for (int i = 0; i < sequences.Length; i++)
        {
            sequences[i] = (float[])_sequences[i].Clone();
            scaler.Transform(sequences[i]);
        }

        return new SequenceDataset(sequences, _labels, _splits, _caseIds, _featureNames, _labelNames, Source);
    }

    /// <summary>How many cases have each label.</summary>
    /// <returns>One count per label, in label order.</returns>
    public int[] CountPerLabel()
    {
        var counts = new int[_labelNames.Length];
        foreach (int label in _labels)
        {
            counts[label]++;
        }

        return counts;
    }

    /// <summary>
    /// Gathers a batch of cases time-major: inputs (T, B, F) with zeros after each case's length, the lengths (B)
    /// and the labels (B), B = <paramref name="cases"/>.Length. Allocates nothing.
    /// </summary>
    /// <param name="cases">The case indices, in batch order.</param>
    /// <param name="timeSteps">T, at least the longest case of the batch (<see cref="MaxLength"/> always is).</param>
    /// <param name="inputs">Receives the inputs; length T·B·F; fully overwritten.</param>
    /// <param name="lengths">Receives each case's length; length B.</param>
    /// <param name="labels">Receives each case's label index; length B.</param>
    /// <returns>The longest length in the batch.</returns>
    /// <exception cref="ArgumentException">A span has the wrong length, or a case is longer than <paramref name="timeSteps"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A case index is outside [0, <see cref="Count"/>), or <paramref name="timeSteps"/> is negative.</exception>
    public int CopyBatchTimeMajor(ReadOnlySpan<int> cases, int timeSteps, Span<float> inputs, Span<int> lengths, Span<int> labels)
    {
        ThrowHelper.ThrowIfLessThan(timeSteps, 0, nameof(timeSteps));
        int batch = cases.Length;
        int features = Features;
        CheckLength(inputs.Length, (long)timeSteps * batch * features, nameof(inputs), "(T, B, F)");
        CheckLength(lengths.Length, batch, nameof(lengths), "(B)");
        CheckLength(labels.Length, batch, nameof(labels), "(B)");
        int longest = 0;
        foreach (int index in cases)
        {
            CheckCase(index, nameof(cases));
            if (_lengths[index] > timeSteps)
            {
                ThrowHelper.ThrowArgument(nameof(timeSteps), $"Expected timeSteps at least the length of every case in the batch; case '{_caseIds[index]}' has {_lengths[index]} steps, timeSteps is {timeSteps}.");
            }

            longest = Math.Max(longest, _lengths[index]);
        }

        inputs.Clear();
        for (int b = 0; b < batch; b++)
        {
            int index = cases[b];
            ReadOnlySpan<float> sequence = _sequences[index];
            for (int t = 0; t < _lengths[index]; t++)
            {
                // Step t of case b goes to (t·B + b)·F.
                sequence.Slice(t * features, features).CopyTo(inputs.Slice(((t * batch) + b) * features, features));
            }

            lengths[b] = _lengths[index];
            labels[b] = _labels[index];
        }

        return longest;
    }

    private static void CheckLength(int actual, long expected, string paramName, string shape)
    {
        if (actual != expected)
        {
            ThrowHelper.ThrowLength(paramName, expected, actual, shape);
        }
    }

    private void CheckCase(int index, string paramName)
    {
        if ((uint)index >= (uint)_sequences.Length)
        {
            ThrowHelper.ThrowOutOfRange(paramName, index, $"case indices in [0, {_sequences.Length})");
        }
    }
}
