using FastLstm.Training;

namespace FastLstm.Benchmarks.Compare;

/// <summary>
/// FastLstm's training step, as a user writes it with the public API: zero the gradients, forward (training
/// mode), dense head over every time step, MSE, the head's backward, the layer's BPTT, one Adam step.
/// </summary>
public sealed class FastLstmTrainingWorkload : IWorkload
{
    /// <summary>Adam's learning rate, the same for every implementation (PyTorch's default).</summary>
    public const float LearningRate = 1e-3f;

    private readonly CaseDefinition _case;
    private readonly RecurrentLayer _layer;
    private readonly Dense _head;
    private readonly RecurrentWorkspace _workspace;
    private readonly Adam _optimizer;
    private readonly MeanSquaredError _loss = new();
    private readonly float[] _input;
    private readonly float[] _target;
    private readonly float[] _prediction;        // (T·B, 1)
    private readonly float[] _predictionGradient; // (T·B, 1)
    private readonly float[] _outputGradient;     // (T, B, H)
    private double _lastLoss;

    /// <summary>Builds the layer and head from the case's weights, and a fresh Adam.</summary>
    /// <param name="data">The case.</param>
    /// <param name="threads">The row's thread setting.</param>
    public FastLstmTrainingWorkload(CaseData data, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(data);
        _case = data.Definition;
        _layer = new RecurrentLayer(_case.Options);
        CaseData.Restore(data.LayerParameters, _layer.Parameters);
        _head = new Dense(_case.Hidden, CaseDefinition.HeadOutputs);
        CaseData.Restore(data.HeadParameters, _head.Parameters);
        // The threaded parts of a step: the forward pass when a step has enough work (by rows for the whole sequence
        // at B ≥ 8 per thread, else per step by units), and backward's recurrence and end-of-unit products when they
        // have (layer 0 has the narrowest input, so it decides whether every unit splits); when neither applies, the
        // row says it ran on one thread.
        int rows = _case.Steps * _case.Batch;
        bool forwardSplits = _layer.WorthSplitting(_case.Batch)
            && (_case.Batch >= RecurrentLayer.RowsPerThread * threads || _layer.CanRunParallel());
        bool backwardSplits = _layer.WorthSplittingBackward(rows, _case.Options.InputSize);
        ThreadsUsed = forwardSplits || backwardSplits ? threads : 1;
        _workspace = _layer.CreateWorkspace(threads: ThreadsUsed);

        // The input is data: nothing reads its gradient (libtorch's x has requires_grad = false too).
        _workspace.ComputeInputGradient = false;
        _optimizer = new Adam([_layer.Parameters, _head.Parameters], LearningRate);
        _input = data.Input;
        _target = data.Target;
        _prediction = new float[rows * CaseDefinition.HeadOutputs];
        _predictionGradient = new float[rows * CaseDefinition.HeadOutputs];
        _outputGradient = new float[rows * _case.Hidden];
    }

    /// <inheritdoc/>
    public string Implementation => "fastlstm";

    /// <inheritdoc/>
    public int ThreadsUsed { get; }

    /// <summary>The loss of the last step.</summary>
    public double LastLoss => _lastLoss;

    /// <inheritdoc/>
    public void Run()
    {
        _layer.Parameters.ZeroGradients();
        _head.Parameters.ZeroGradients();
        _layer.Forward(_workspace, _input, _case.Steps, _case.Batch, training: true);
        _head.Forward(_workspace.Output, _prediction);
        _lastLoss = _loss.Compute(_prediction, _target, CaseDefinition.HeadOutputs, default, _predictionGradient).Mean;
        _head.Backward(_workspace.Output, _predictionGradient, _outputGradient);
        _layer.Backward(_workspace, _outputGradient);
        _optimizer.Step();
    }

    /// <inheritdoc/>
    public float[] Result() =>
        [(float)_lastLoss, .. _layer.Parameters.Gradients, .. _head.Parameters.Gradients, .. _layer.Parameters.Values, .. _head.Parameters.Values];

    /// <inheritdoc/>
    public void Dispose() => _workspace.Dispose();
}
