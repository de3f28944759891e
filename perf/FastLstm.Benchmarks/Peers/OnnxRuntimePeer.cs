using FastLstm.Benchmarks.Compare;
using Microsoft.ML.OnnxRuntime;

namespace FastLstm.Benchmarks.Peers;

/// <summary>
/// ONNX Runtime (Microsoft.ML.OnnxRuntime, CPU execution provider) running the single-node model that
/// <see cref="OnnxModelBuilder"/> builds from the case's weights: IntraOpNumThreads = the case's threads, one
/// inter-op thread, sequential execution, all graph optimizations. Inputs and outputs are OrtValues over pinned
/// managed arrays created once, so a call is one <c>InferenceSession.Run</c> with no copies in or out.
/// A streaming step runs the T = 1 model and copies Y_h (and Y_c) back into initial_h (and initial_c),
/// as a real-time caller does.
/// </summary>
public sealed class OnnxRuntimePeer : IWorkload
{
    private readonly CaseDefinition _case;
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly OrtValue[] _inputs;
    private readonly string[] _outputNames;
    private readonly OrtValue[] _outputs;
    private readonly float[] _y = [];    // (T, 1, B, H), sequence cases
    private readonly float[] _hOut;      // (1, B, H)
    private readonly float[] _cOut = []; // (1, B, H), LSTM
    private readonly float[] _hIn = [];  // (1, B, H), streaming
    private readonly float[] _cIn = [];  // (1, B, H), streaming LSTM

    /// <summary>Builds the model and the session for <paramref name="threads"/> intra-op threads.</summary>
    /// <exception cref="NotSupportedException">A training case: ONNX Runtime's inference package does not train.</exception>
    public OnnxRuntimePeer(CaseData data, int threads)
    {
        ArgumentNullException.ThrowIfNull(data);
        _case = data.Definition;
        if (_case.Kind == CaseKind.Training)
        {
            throw new NotSupportedException("ONNX Runtime's inference package has no training step.");
        }

        ThreadsUsed = threads;
        _options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(OnnxModelBuilder.Build(data), _options);

        bool lstm = _case.Cell == CellKind.Lstm;
        long[] stateShape = [1, _case.Batch, _case.Hidden];
        var inputNames = new List<string> { "X" };
        var inputs = new List<OrtValue> { OrtValue.CreateTensorValueFromMemory(data.Input, [_case.Steps, _case.Batch, _case.Input]) };
        var outputNames = new List<string>();
        var outputs = new List<OrtValue>();
        if (_case.Kind == CaseKind.Streaming)
        {
            _hIn = (float[])data.InitialHidden.Clone();
            inputNames.Add("initial_h");
            inputs.Add(OrtValue.CreateTensorValueFromMemory(_hIn, stateShape));
            if (lstm)
            {
                _cIn = (float[])data.InitialCell.Clone();
                inputNames.Add("initial_c");
                inputs.Add(OrtValue.CreateTensorValueFromMemory(_cIn, stateShape));
            }
        }
        else
        {
            _y = new float[_case.Steps * _case.Batch * _case.Hidden];
            outputNames.Add("Y");
            outputs.Add(OrtValue.CreateTensorValueFromMemory(_y, [_case.Steps, 1, _case.Batch, _case.Hidden]));
        }

        _hOut = new float[_case.Batch * _case.Hidden];
        outputNames.Add("Y_h");
        outputs.Add(OrtValue.CreateTensorValueFromMemory(_hOut, stateShape));
        if (lstm)
        {
            _cOut = new float[_case.Batch * _case.Hidden];
            outputNames.Add("Y_c");
            outputs.Add(OrtValue.CreateTensorValueFromMemory(_cOut, stateShape));
        }

        _inputNames = [.. inputNames];
        _inputs = [.. inputs];
        _outputNames = [.. outputNames];
        _outputs = [.. outputs];
    }

    /// <summary>ONNX Runtime's version string, e.g. "1.31.1".</summary>
    public static string Version => OrtEnv.Instance().GetVersionString();

    /// <inheritdoc/>
    public string Implementation => "onnxruntime";

    /// <inheritdoc/>
    public int ThreadsUsed { get; }

    /// <summary>The last h value, so a benchmark can return something that depends on the work.</summary>
    public float Last => _hOut[^1];

    /// <inheritdoc/>
    public void Run()
    {
        _session.Run(_runOptions, _inputNames, _inputs, _outputNames, _outputs);
        if (_case.Kind == CaseKind.Streaming)
        {
            _hOut.CopyTo(_hIn, 0);
            _cOut.CopyTo(_cIn, 0);
        }
    }

    /// <inheritdoc/>
    public float[] Result() => _case.Kind == CaseKind.Streaming ? [.. _hIn, .. _cIn] : [.. _y, .. _hOut, .. _cOut];

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (OrtValue value in _inputs)
        {
            value.Dispose();
        }

        foreach (OrtValue value in _outputs)
        {
            value.Dispose();
        }

        _session.Dispose();
        _runOptions.Dispose();
        _options.Dispose();
    }
}
