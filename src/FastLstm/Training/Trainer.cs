namespace FastLstm.Training;

/// <summary>
/// Trains a <see cref="RecurrentModel"/> with a <see cref="Loss"/> and an <see cref="Optimizer"/>: mini-batches with
/// seeded shuffling (<see cref="Fit"/>), or truncated BPTT over a long stream (<see cref="FitStream"/>); validation,
/// early stopping with best weights, clipping, schedules, progress and cancellation.
/// </summary>
/// <remarks>
/// <para>One training step (<see cref="TrainBatch"/>) is forward, loss, backward, gradient norm, clipping and the
/// optimizer update; in steady state it allocates nothing.</para>
/// <para>Determinism: shuffling and dropout draw from generators seeded by <see cref="TrainerOptions.Seed"/> (and the
/// epoch index), and every sum runs in a fixed order, so the same seed, data and thread count give bit-identical weights.</para>
/// <para>Non-finite values: a NaN or infinite loss or gradient norm stops training before the update is applied, puts the
/// best weights so far back and throws <see cref="TrainingDivergedException"/> naming the epoch and batch.</para>
/// <para>Thread-safety: a trainer, its model's gradients and its optimizer belong to one thread. With
/// <see cref="TrainerOptions.Threads"/> above 1 it owns worker threads of its own until <see cref="Dispose"/>.</para>
/// </remarks>
public sealed partial class Trainer : IDisposable
{
    private ModelWorkspace _workspace;   // replaced per epoch when the model has dropout (Trainer.Epoch.cs)
    private readonly MetricAccumulator _metrics;
    private readonly MetricAccumulator _evaluationMetrics;
    private float[] _outputGradient = [];

    /// <summary>Builds a trainer; the optimizer must update this model's parameters.</summary>
    /// <param name="model">The model to train.</param>
    /// <param name="loss">The loss; its <see cref="Loss.Kind"/> decides the metrics.</param>
    /// <param name="optimizer">The optimizer over <see cref="RecurrentModel.Parameters"/>.</param>
    /// <param name="options">Run options; null for the defaults.</param>
    /// <exception cref="ArgumentException">An option is out of range, the monitored metric does not apply to the loss, or the optimizer does not update exactly the model's parameter lists.</exception>
    public Trainer(RecurrentModel model, Loss loss, Optimizer optimizer, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(optimizer);
        options ??= new TrainerOptions();
        options.Validate(nameof(options));
        if (optimizer.Parameters.Count != model.Parameters.Count)
        {
            TrainingThrow.Argument(nameof(optimizer), $"The optimizer updates {optimizer.Parameters.Count} parameter lists; the model has {model.Parameters.Count}. Build it from model.Parameters.");
        }

        for (int i = 0; i < model.Parameters.Count; i++)
        {
            if (!ReferenceEquals(optimizer.Parameters[i], model.Parameters[i]))
            {
                TrainingThrow.Argument(nameof(optimizer), $"The optimizer's parameter list {i} is not the model's; build it from model.Parameters.");
            }
        }

        if (!MetricValues.AppliesTo(options.Monitor, loss.Kind))
        {
            TrainingThrow.Argument(nameof(options), $"Monitor = {options.Monitor} is not measured for the {loss.Name} loss ({loss.Kind}).");
        }

        Model = model;
        Loss = loss;
        Optimizer = optimizer;
        Options = options;
        _workspace = model.CreateWorkspace(options.Seed, options.Threads);
        _metrics = new MetricAccumulator(loss.Kind);
        _evaluationMetrics = new MetricAccumulator(loss.Kind);
    }

    /// <summary>Ends the worker threads of a trainer with <see cref="TrainerOptions.Threads"/> above 1 (a single-threaded one holds none).</summary>
    public void Dispose() => _workspace.Dispose();

    /// <summary>The model being trained.</summary>
    public RecurrentModel Model { get; }

    /// <summary>The loss.</summary>
    public Loss Loss { get; }

    /// <summary>The optimizer.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The run options.</summary>
    public TrainerOptions Options { get; }

    /// <summary>A batch with buffers sized for <paramref name="data"/> and <see cref="TrainerOptions.BatchSize"/>.</summary>
    public SequenceBatch CreateBatch(SequenceDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new SequenceBatch(data.SequenceLength, Options.BatchSize, data.InputSize, data.TargetWidth, data.TargetsPerStep);
    }

    /// <summary>
    /// One training step on <paramref name="batch"/>: zero gradients, forward (training mode), loss, backward, gradient
    /// norm, clipping, learning rate from the schedule, optimizer update. Allocation-free once the buffers have grown.
    /// </summary>
    /// <returns>The batch's mean loss before the update.</returns>
    /// <exception cref="TrainingDivergedException">The loss or the gradient norm is not finite; no update was applied.</exception>
    /// <exception cref="ArgumentException">The batch does not fit the model or the loss.</exception>
    public double TrainBatch(SequenceBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        StepResult result = RunStep(batch, default, default, null);
        if (result.Diverged is not null)
        {
            throw new TrainingDivergedException($"The {result.Diverged} of this batch is {result.Value}; no update was applied.");
        }

        return result.Loss;
    }

    /// <summary>The step behind <see cref="TrainBatch"/>, with initial states (truncated BPTT) and metric accumulation.</summary>
    private StepResult RunStep(SequenceBatch batch, ReadOnlySpan<float> initialHidden, ReadOnlySpan<float> initialCell, MetricAccumulator? metrics)
    {
        RecurrentModel model = Model;
        int width = model.OutputSize;
        model.ZeroGradients();
        model.Forward(_workspace, batch.Inputs, batch.SequenceLength, batch.BatchSize, batch.Lengths, initialHidden, initialCell, training: true);
        ReadOnlySpan<float> outputs = _workspace.Output;
        if (_outputGradient.Length < outputs.Length)
        {
            _outputGradient = new float[outputs.Length];
        }

        Span<float> outputGradient = _outputGradient.AsSpan(0, outputs.Length);
        LossSum loss = Loss.Compute(outputs, batch.Targets, width, batch.RowMask, outputGradient);
        double mean = loss.Mean;
        if (!double.IsFinite(mean))
        {
            return new StepResult(mean, double.NaN, "loss", mean);
        }

        metrics?.Add(loss, outputs, batch.Targets, width, batch.RowMask);
        model.Backward(_workspace, outputGradient);
        double norm = GradientClipping.GlobalNorm(model.Parameters);
        if (!double.IsFinite(norm))
        {
            return new StepResult(mean, norm, "gradient norm", norm);
        }

        if (Options.ClipNorm > 0f)
        {
            GradientClipping.ScaleToNorm(model.Parameters, norm, Options.ClipNorm);
        }

        if (Options.ClipValue > 0f)
        {
            GradientClipping.ClipByValue(model.Parameters, Options.ClipValue);
        }

        if (Options.Schedule is not null)
        {
            Optimizer.LearningRate = (float)(Optimizer.BaseLearningRate * Options.Schedule.Factor(Optimizer.StepCount));
        }

        Optimizer.Step();
        return new StepResult(mean, norm, null, 0);
    }

    /// <summary>The outcome of one step: its loss and gradient norm, or what was not finite.</summary>
    private readonly record struct StepResult(double Loss, double GradientNorm, string? Diverged, double Value);
}
