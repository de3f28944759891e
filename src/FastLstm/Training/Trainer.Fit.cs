namespace FastLstm.Training;

public sealed partial class Trainer
{
    /// <summary>
    /// Trains on <paramref name="train"/> for <see cref="TrainerOptions.Epochs"/> epochs of shuffled mini-batches,
    /// validating after every epoch, keeping the best weights and stopping early when the monitored metric stalls.
    /// </summary>
    /// <param name="train">Training sequences; its shape must fit the model (targets per step for an every-step head).</param>
    /// <param name="validation">Validation sequences, or null to split <see cref="TrainerOptions.ValidationFraction"/> off the training set (or to run without).</param>
    /// <param name="progress">Receives a report per <see cref="TrainerOptions.ProgressInterval"/> batches and per epoch, on the training thread.</param>
    /// <param name="cancellationToken">Checked after every batch: training stops cleanly after the batch in progress.</param>
    /// <returns>The history, why the run ended, and the best epoch (whose weights the model holds when <see cref="TrainerOptions.RestoreBestWeights"/>).</returns>
    /// <exception cref="ArgumentException">A dataset does not fit the model or the loss.</exception>
    /// <exception cref="TrainingDivergedException">A loss, gradient norm or validation metric was not finite; the best weights so far were restored.</exception>
    public TrainingResult Fit(
        SequenceDataset train, SequenceDataset? validation = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (validation is null && Options.ValidationFraction > 0)
        {
            (train, validation) = train.SplitLast(Options.ValidationFraction);
        }

        CheckFits(train, nameof(train));
        if (validation is not null)
        {
            CheckFits(validation, nameof(validation));
        }

        SequenceBatch batch = CreateBatch(train);
        int[] order = new int[train.Count];
        int batchSize = Options.BatchSize;
        int batches = (train.Count + batchSize - 1) / batchSize;
        var run = new RunState(this, batches, progress);
        for (int epoch = Options.InitialEpoch; epoch < Options.Epochs; epoch++)
        {
            FillOrder(order, epoch);
            BeginEpoch(epoch);
            _metrics.Reset();
            for (int b = 0; b < batches; b++)
            {
                int start = b * batchSize;
                batch.Fill(train, order.AsSpan(start, Math.Min(batchSize, train.Count - start)));
                run.AfterStep(epoch, b, RunStep(batch, default, default, _metrics));
                if (cancellationToken.IsCancellationRequested)
                {
                    return run.Finish(StopReason.Cancelled);
                }
            }

            MetricValues validationMetrics = validation is null ? MetricValues.None : Evaluate(validation);
            if (run.EndEpoch(epoch, _metrics.Result(), validationMetrics))
            {
                return run.Finish(StopReason.EarlyStopped);
            }
        }

        return run.Finish(StopReason.Completed);
    }

    /// <summary>The mean loss and metrics of the model on <paramref name="data"/>, in inference mode (no dropout), batch by batch in order.</summary>
    /// <exception cref="ArgumentException">The dataset does not fit the model or the loss.</exception>
    public MetricValues Evaluate(SequenceDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckFits(data, nameof(data));
        SequenceBatch batch = CreateBatch(data);
        int batchSize = Options.BatchSize;
        int[] indices = new int[batchSize];
        _evaluationMetrics.Reset();
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, data.Count - start);
            for (int i = 0; i < count; i++)
            {
                indices[i] = start + i;
            }

            batch.Fill(data, indices.AsSpan(0, count));
            EvaluateBatch(batch, default, default);
        }

        return _evaluationMetrics.Result();
    }

    /// <summary>Forward in inference mode and adds the batch to the evaluation metrics.</summary>
    private void EvaluateBatch(SequenceBatch batch, ReadOnlySpan<float> initialHidden, ReadOnlySpan<float> initialCell)
    {
        Model.Forward(_workspace, batch.Inputs, batch.SequenceLength, batch.BatchSize, batch.Lengths, initialHidden, initialCell, training: false);
        ReadOnlySpan<float> outputs = _workspace.Output;
        LossSum loss = Loss.Compute(outputs, batch.Targets, Model.OutputSize, batch.RowMask, default);
        _evaluationMetrics.Add(loss, outputs, batch.Targets, Model.OutputSize, batch.RowMask);
    }

    /// <summary>The visiting order of epoch <paramref name="epoch"/>: identity, or a Fisher–Yates permutation seeded by (seed, epoch).</summary>
    private void FillOrder(int[] order, int epoch)
    {
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        if (!Options.Shuffle)
        {
            return;
        }

        // A generator per epoch, derived from the seed and the epoch index only: a run resumed at epoch k
        // visits the data exactly as the uninterrupted run did.
        var random = new Random(unchecked((Options.Seed * 1_000_003) + epoch));
        random.Shuffle(order);
    }

    private void CheckFits(SequenceDataset data, string paramName)
    {
        RecurrentModel model = Model;
        int targetWidth = Loss.TargetWidth(model.OutputSize);
        bool perStep = model.HeadMode == HeadMode.EveryStep;
        if (data.InputSize != model.InputSize || data.TargetWidth != targetWidth || data.TargetsPerStep != perStep)
        {
            TrainingThrow.Argument(paramName, $"The dataset has I = {data.InputSize}, W = {data.TargetWidth}, targets per step = {data.TargetsPerStep}; the model and loss need I = {model.InputSize}, W = {targetWidth}, targets per step = {perStep}.");
        }
    }
}
