using BenchmarkDotNet.Attributes;

namespace FastLstm.Benchmarks.Kernels;

/// <summary>
/// The training step, written out with the engine's layers only: B = 32, T = 50, I = H = 128 LSTM, a dense
/// head to 1 output per step, MSE, Adam (lr 1e−3, β 0.9/0.999, ε 1e−8) over both parameter lists. Baseline job:
/// the same on the scalar paths (<see cref="ScalarBaselineConfig"/>).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ScalarBaselineConfig))]
public class LstmTrainingStepBenchmarks
{
    private const int Batch = 32;
    private const int Steps = 50;
    private const int Hidden = 128;

    private RecurrentLayer _layer = null!;
    private Dense _head = null!;
    private RecurrentWorkspace _workspace = null!;
    private RecurrentWorkspace _dataWorkspace = null!;  // the same layer, dL/dx skipped (its input is data)
    private float[] _input = [];
    private float[] _target = [];
    private float[] _prediction = [];
    private float[] _predictionGradient = [];
    private float[] _hiddenGradient = [];
    private ParameterList[] _lists = [];
    private float[][] _firstMoment = [];
    private float[][] _secondMoment = [];
    private int _step;

    [GlobalSetup]
    public void Setup()
    {
        (_layer, _workspace, _input, _) = LayerSetup.Create(Batch, Steps, Hidden);
        _dataWorkspace = _layer.CreateWorkspace();
        _dataWorkspace.ComputeInputGradient = false;
        _head = new Dense(Hidden, 1, seed: 3);
        var random = new Random(4);
        _target = new float[Steps * Batch];
        for (int i = 0; i < _target.Length; i++)
        {
            _target[i] = (2f * random.NextSingle()) - 1f;
        }

        _prediction = new float[Steps * Batch];
        _predictionGradient = new float[Steps * Batch];
        _hiddenGradient = new float[Steps * Batch * Hidden];
        _lists = [_layer.Parameters, _head.Parameters];
        _firstMoment = [new float[_layer.Parameters.TotalLength], new float[_head.Parameters.TotalLength]];
        _secondMoment = [new float[_layer.Parameters.TotalLength], new float[_head.Parameters.TotalLength]];
    }

    [Benchmark]
    public float TrainingStep() => Step(_workspace);

    /// <summary>The same step with <see cref="RecurrentWorkspace.ComputeInputGradient"/> off: no dG·W_ih product.</summary>
    [Benchmark]
    public float TrainingStepWithoutInputGradient() => Step(_dataWorkspace);

    private float Step(RecurrentWorkspace workspace)
    {
        _layer.Parameters.ZeroGradients();
        _head.Parameters.ZeroGradients();
        _layer.Forward(workspace, _input, Steps, Batch, training: true);
        _head.Forward(workspace.Output, _prediction);
        float scale = 2f / _prediction.Length;
        for (int i = 0; i < _prediction.Length; i++)
        {
            _predictionGradient[i] = scale * (_prediction[i] - _target[i]);
        }

        _head.Backward(workspace.Output, _predictionGradient, _hiddenGradient);
        _layer.Backward(workspace, _hiddenGradient);
        Adam();
        return _prediction[0];
    }

    private void Adam()
    {
        _step++;
        float correction1 = 1f - MathF.Pow(0.9f, _step);
        float correction2 = 1f - MathF.Pow(0.999f, _step);
        for (int l = 0; l < _lists.Length; l++)
        {
            Span<float> values = _lists[l].Values;
            Span<float> gradients = _lists[l].Gradients;
            float[] m = _firstMoment[l];
            float[] v = _secondMoment[l];
            for (int i = 0; i < values.Length; i++)
            {
                float g = gradients[i];
                m[i] = (0.9f * m[i]) + (0.1f * g);
                v[i] = (0.999f * v[i]) + (0.001f * g * g);
                values[i] -= 1e-3f * (m[i] / correction1) / (MathF.Sqrt(v[i] / correction2) + 1e-8f);
            }

            _lists[l].MarkChanged();
        }
    }
}
