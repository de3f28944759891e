namespace FastLstm.Training;

public sealed partial class Trainer
{
    /// <summary>
    /// Trains on one long stream with truncated BPTT: the stream is cut into <see cref="TrainerOptions.BatchSize"/>
    /// contiguous parallel streams, walked in order in chunks of <see cref="TrainerOptions.BpttLength"/> steps; each
    /// chunk starts from the previous chunk's final state (reset to zero every epoch), and its gradient stops there.
    /// </summary>
    /// <param name="train">The training stream; the model needs an every-step head and a unidirectional stack.</param>
    /// <param name="validation">A validation stream, evaluated the same way after every epoch, or null.</param>
    /// <param name="progress">Receives reports as in <see cref="Fit"/>.</param>
    /// <param name="cancellationToken">Checked after every chunk.</param>
    /// <returns>The history and why the run ended.</returns>
    /// <exception cref="ArgumentException">The stream does not fit the model, or is shorter than one step per parallel stream.</exception>
    /// <exception cref="InvalidOperationException">The model has a last-step head or a bidirectional stack.</exception>
    /// <exception cref="TrainingDivergedException">A loss, gradient norm or validation metric was not finite; the best weights so far were restored.</exception>
    public TrainingResult FitStream(
        StreamDataset train, StreamDataset? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        CheckStreamFits(train, nameof(train));
        if (validation is not null)
        {
            CheckStreamFits(validation, nameof(validation));
        }

        int streams = Options.BatchSize;
        int streamLength = train.Steps / streams;
        if (streamLength < 1)
        {
            TrainingThrow.Argument(nameof(train), $"A stream of {train.Steps} steps cannot feed {streams} parallel streams; lower BatchSize.");
        }

        int chunk = Options.BpttLength;
        int chunks = (streamLength + chunk - 1) / chunk;
        var batch = new SequenceBatch(chunk, streams, train.InputSize, train.TargetWidth, targetsPerStep: true);
        var carried = new CarriedState(Model.Recurrent, streams);
        var run = new RunState(this, chunks, progress);
        for (int epoch = Options.InitialEpoch; epoch < Options.Epochs; epoch++)
        {
            carried.Reset();
            BeginEpoch(epoch);
            _metrics.Reset();
            for (int c = 0; c < chunks; c++)
            {
                int start = c * chunk;
                batch.FillStream(train, streams, streamLength, start, Math.Min(chunk, streamLength - start));
                run.AfterStep(epoch, c, RunStep(batch, carried.Hidden, carried.Cell, _metrics));
                carried.CopyFrom(_workspace.Recurrent);
                if (cancellationToken.IsCancellationRequested)
                {
                    return run.Finish(StopReason.Cancelled);
                }
            }

            MetricValues validationMetrics = validation is null ? MetricValues.None : EvaluateStream(validation);
            if (run.EndEpoch(epoch, _metrics.Result(), validationMetrics))
            {
                return run.Finish(StopReason.EarlyStopped);
            }
        }

        return run.Finish(StopReason.Completed);
    }

    /// <summary>
    /// The metrics of the model on a stream, in inference mode, walked like <see cref="FitStream"/> walks its training
    /// stream (parallel streams, chunks, state carried); fewer parallel streams when the stream is short.
    /// </summary>
    /// <exception cref="ArgumentException">The stream does not fit the model.</exception>
    /// <exception cref="InvalidOperationException">The model has a last-step head or a bidirectional stack.</exception>
    public MetricValues EvaluateStream(StreamDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckStreamFits(data, nameof(data));
        int streams = Math.Min(Options.BatchSize, data.Steps);
        int streamLength = data.Steps / streams;
        int chunk = Options.BpttLength;
        var batch = new SequenceBatch(chunk, streams, data.InputSize, data.TargetWidth, targetsPerStep: true);
        var carried = new CarriedState(Model.Recurrent, streams);
        _evaluationMetrics.Reset();
        for (int start = 0; start < streamLength; start += chunk)
        {
            batch.FillStream(data, streams, streamLength, start, Math.Min(chunk, streamLength - start));
            EvaluateBatch(batch, carried.Hidden, carried.Cell);
            carried.CopyFrom(_workspace.Recurrent);
        }

        return _evaluationMetrics.Result();
    }

    private void CheckStreamFits(StreamDataset data, string paramName)
    {
        if (Model.HeadMode != HeadMode.EveryStep || Model.Recurrent.Options.Bidirectional)
        {
            throw new InvalidOperationException("Truncated BPTT over a stream needs an every-step head and a unidirectional stack.");
        }

        int targetWidth = Loss.TargetWidth(Model.OutputSize);
        if (data.InputSize != Model.InputSize || data.TargetWidth != targetWidth)
        {
            TrainingThrow.Argument(paramName, $"The stream has I = {data.InputSize}, W = {data.TargetWidth}; the model and loss need I = {Model.InputSize}, W = {targetWidth}.");
        }
    }

    /// <summary>The hidden and cell states carried from one chunk to the next: values only, so no gradient crosses the boundary.</summary>
    private sealed class CarriedState
    {
        private readonly float[] _hidden;   // (L·D, B, Hout)
        private readonly float[] _cell;     // (L·D, B, H), empty unless LSTM

        public CarriedState(RecurrentLayer layer, int batch)
        {
            RecurrentOptions o = layer.Options;
            int units = o.NumLayers * o.Directions;
            _hidden = new float[units * batch * o.OutputHiddenSize];
            _cell = new float[o.HasCellState ? units * batch * o.HiddenSize : 0];
        }

        public ReadOnlySpan<float> Hidden => _hidden;

        public ReadOnlySpan<float> Cell => _cell;

        public void Reset()
        {
            Array.Clear(_hidden);
            Array.Clear(_cell);
        }

        public void CopyFrom(RecurrentWorkspace workspace)
        {
            workspace.FinalHidden.CopyTo(_hidden);
            workspace.FinalCell.CopyTo(_cell);
        }
    }
}
