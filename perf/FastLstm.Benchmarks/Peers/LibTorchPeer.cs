using System.Reflection;
using FastLstm.Benchmarks.Compare;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using TorchParameter = TorchSharp.Modules.Parameter;

namespace FastLstm.Benchmarks.Peers;

/// <summary>
/// libtorch (TorchSharp-cpu: libtorch 2.10 CPU) running PyTorch's own modules with the case's weights copied in by
/// name: nn.LSTM / nn.GRU / nn.RNN, and for training nn.Linear, MSELoss and torch.optim.Adam.
/// Inference runs under <c>torch.no_grad()</c>; every call's temporaries are freed by a dispose scope, as a careful
/// TorchSharp user writes it. <c>torch.set_num_threads</c> is process-wide: the constructor sets it to the case's
/// threads, so build a peer right before timing it.
/// A streaming step is nn.LSTM on a (1, B, I) input with the carried (h, c), the usual PyTorch real-time loop.
/// </summary>
public sealed class LibTorchPeer : IWorkload
{
    private readonly CaseDefinition _case;
    private readonly LSTM? _lstm;
    private readonly GRU? _gru;
    private readonly RNN? _rnn;
    private readonly Linear? _head;
    private readonly optim.Optimizer? _optimizer;
    private readonly Tensor _input;
    private readonly Tensor? _target;
    private Tensor? _hidden;
    private Tensor? _cell;
    private float _lastLoss;

    /// <summary>Builds the modules from the case's weights and sets libtorch's thread count.</summary>
    public LibTorchPeer(CaseData data, int threads)
    {
        ArgumentNullException.ThrowIfNull(data);
        _case = data.Definition;
        torch.set_num_threads(threads);
        ThreadsUsed = torch.get_num_threads();
        CaseDefinition c = _case;
        nn.Module module = c.Cell switch
        {
            CellKind.Lstm => _lstm = nn.LSTM(c.Input, c.Hidden),
            CellKind.Gru => _gru = nn.GRU(c.Input, c.Hidden),
            _ => _rnn = nn.RNN(c.Input, c.Hidden, nonLinearity: nn.NonLinearities.Tanh),
        };
        CopyWeights(module, data.LayerParameters);
        _input = torch.tensor(data.Input, [c.Steps, c.Batch, c.Input]);
        if (c.Kind == CaseKind.Streaming)
        {
            _hidden = torch.tensor(data.InitialHidden, [1, c.Batch, c.Hidden]);
            _cell = c.Cell == CellKind.Lstm ? torch.tensor(data.InitialCell, [1, c.Batch, c.Hidden]) : null;
        }

        if (c.Kind == CaseKind.Training)
        {
            _head = nn.Linear(c.Hidden, CaseDefinition.HeadOutputs);
            CopyWeights(_head, data.HeadParameters);
            _target = torch.tensor(data.Target, [c.Steps, c.Batch, CaseDefinition.HeadOutputs]);
            _optimizer = optim.Adam([.. module.parameters(), .. _head.parameters()], lr: FastLstmTrainingWorkload.LearningRate);
        }
    }

    /// <summary>libtorch's version as TorchSharp reports it, plus the TorchSharp assembly version.</summary>
    public static string Version =>
        $"libtorch {torch.__version__} via TorchSharp {typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? typeof(torch).Assembly.GetName().Version?.ToString()}";

    /// <inheritdoc/>
    public string Implementation => "libtorch";

    /// <inheritdoc/>
    public int ThreadsUsed { get; }

    /// <summary>The loss of the last training step.</summary>
    public float LastLoss => _lastLoss;

    /// <summary>
    /// Loads libtorch and its glue library now, so a failure (the GLIBCXX trap, see perf/README.md) is reported
    /// once, with its reason, instead of failing every case.
    /// </summary>
    /// <returns>Null when libtorch works, else why not.</returns>
    public static string? TryLoad()
    {
        try
        {
            using Tensor probe = torch.ones(2, 2);
            return probe.sum().item<float>() == 4f ? null : "libtorch computed 1+1+1+1 wrongly.";
        }
        catch (Exception e) when (e is NotSupportedException or DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            return e.GetBaseException().Message;
        }
    }

    /// <inheritdoc/>
    public void Run()
    {
        switch (_case.Kind)
        {
            case CaseKind.Sequence:
                RunSequence();
                break;
            case CaseKind.Streaming:
                RunStreamingStep();
                break;
            default:
                RunTrainingStep();
                break;
        }
    }

    /// <inheritdoc/>
    public float[] Result()
    {
        switch (_case.Kind)
        {
            case CaseKind.Sequence:
            {
                // The forward pass is a pure function of weights and x: run it again and keep its outputs.
                using var scope = torch.NewDisposeScope();
                using var noGrad = torch.no_grad();
                (Tensor y, Tensor h, Tensor? c) = Forward(_input, null, null);
                return [.. Values(y), .. Values(h), .. (c is null ? [] : Values(c))];
            }

            case CaseKind.Streaming:
                return [.. Values(_hidden!), .. (_cell is null ? [] : Values(_cell))];
            default:
            {
                var result = new List<float> { _lastLoss };
                nn.Module[] modules = [(nn.Module?)_lstm ?? (nn.Module?)_gru ?? _rnn!, _head!];
                foreach (nn.Module m in modules)
                {
                    foreach (TorchParameter p in m.parameters())
                    {
                        result.AddRange(Values(p.grad!));
                    }
                }

                foreach (nn.Module m in modules)
                {
                    foreach (TorchParameter p in m.parameters())
                    {
                        result.AddRange(Values(p));
                    }
                }

                return [.. result];
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _input.Dispose();
        _target?.Dispose();
        _hidden?.Dispose();
        _cell?.Dispose();
        _optimizer?.Dispose();
        _head?.Dispose();
        _lstm?.Dispose();
        _gru?.Dispose();
        _rnn?.Dispose();
    }

    private void RunSequence()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        Forward(_input, null, null);
    }

    private void RunStreamingStep()
    {
        using var noGrad = torch.no_grad();
        (Tensor y, Tensor h, Tensor? c) = Forward(_input, _hidden, _cell);
        y.Dispose();
        _hidden!.Dispose();
        _cell?.Dispose();
        _hidden = h;
        _cell = c;
    }

    private void RunTrainingStep()
    {
        using var scope = torch.NewDisposeScope();
        _optimizer!.zero_grad();
        (Tensor y, _, _) = Forward(_input, null, null);
        Tensor prediction = _head!.forward(y);
        Tensor loss = nn.functional.mse_loss(prediction, _target!, nn.Reduction.Mean);
        loss.backward();
        _optimizer.step();
        _lastLoss = loss.item<float>();
    }

    private (Tensor Y, Tensor H, Tensor? C) Forward(Tensor x, Tensor? h0, Tensor? c0)
    {
        if (_lstm is not null)
        {
            (Tensor y, Tensor h, Tensor c) = _lstm.forward(x, h0 is null ? null : (h0, c0!));
            return (y, h, c);
        }

        (Tensor y2, Tensor h2) = _gru is not null ? _gru.forward(x, h0) : _rnn!.forward(x, h0);
        return (y2, h2, null);
    }

    private static void CopyWeights(nn.Module module, IReadOnlyList<(string Name, int[] Shape, float[] Values)> weights)
    {
        using var noGrad = torch.no_grad();
        foreach ((string name, TorchParameter parameter) in module.named_parameters())
        {
            float[]? values = null;
            foreach ((string n, _, float[] v) in weights)
            {
                if (n == name)
                {
                    values = v;
                }
            }

            if (values is null)
            {
                throw new InvalidOperationException($"libtorch parameter '{name}' has no FastLstm counterpart.");
            }

            using Tensor source = torch.tensor(values, parameter.shape);
            parameter.copy_(source);
        }
    }

    private static float[] Values(Tensor t)
    {
        using Tensor contiguous = t.detach().contiguous();
        return contiguous.data<float>().ToArray();
    }
}
