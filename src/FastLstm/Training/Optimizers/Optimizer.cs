namespace FastLstm.Training;

/// <summary>
/// Updates parameters in place from their accumulated gradients, sweeping each <see cref="ParameterList"/>'s flat
/// value and gradient spans. Per-parameter state (momentum, moment estimates) lives in buffers of the same layout,
/// allocated once here; <see cref="Step"/> allocates nothing.
/// </summary>
/// <remarks>
/// <para>Every update follows PyTorch's torch.optim formula of the same name, in float32 like PyTorch's; each
/// subclass gives it in its remarks. After updating, <see cref="Step"/> calls <see cref="ParameterList.MarkChanged"/>
/// on every list, so derived copies of the weights (packed kernels, folded biases) are rebuilt.</para>
/// <para>The state (<see cref="ExportState"/>) is part of a training checkpoint: restoring it continues training
/// exactly where it stopped.</para>
/// <para>NaN or infinite gradients propagate into the values; the trainer checks the gradient norm before calling
/// <see cref="Step"/>. Thread-safety: one optimizer belongs to one training thread.</para>
/// </remarks>
public abstract class Optimizer
{
    private readonly ParameterList[] _lists;

    // Per state slot s and list l: _state[s * lists + l], same length as that list's values.
    private readonly float[][] _state;

    /// <summary>Sets up the optimizer over <paramref name="parameters"/> with <paramref name="stateSlots"/> state buffers per list.</summary>
    /// <param name="parameters">The parameter lists to update (e.g. <see cref="RecurrentModel.Parameters"/>).</param>
    /// <param name="learningRate">The base learning rate (schedules scale it).</param>
    /// <param name="stateSlots">State buffers per parameter value (0 for plain SGD, 2 for Adam's moments).</param>
    /// <exception cref="ArgumentException">No lists, a null list, the same list twice, or a learning rate that is not a non-negative finite number.</exception>
    protected Optimizer(IReadOnlyList<ParameterList> parameters, float learningRate, int stateSlots)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Count == 0)
        {
            TrainingThrow.Argument(nameof(parameters), "An optimizer needs at least one parameter list.");
        }

        _lists = new ParameterList[parameters.Count];
        for (int i = 0; i < _lists.Length; i++)
        {
            ParameterList list = parameters[i] ?? throw new ArgumentException($"parameters[{i}] is null.", nameof(parameters));
            if (Array.IndexOf(_lists, list, 0, i) >= 0)
            {
                TrainingThrow.Argument(nameof(parameters), $"parameters[{i}] appears twice; each list must be updated once per step.");
            }

            _lists[i] = list;
        }

        RequireRate(learningRate, nameof(learningRate));
        BaseLearningRate = learningRate;
        LearningRate = learningRate;
        _state = new float[stateSlots * _lists.Length][];
        for (int slot = 0; slot < stateSlots; slot++)
        {
            for (int l = 0; l < _lists.Length; l++)
            {
                _state[(slot * _lists.Length) + l] = new float[_lists[l].TotalLength];
            }
        }
    }

    /// <summary>A short name of the algorithm, e.g. "adam"; stored in checkpoints to refuse a mismatched state.</summary>
    public abstract string Name { get; }

    /// <summary>The learning rate given at construction; a schedule multiplies it by its factor.</summary>
    public float BaseLearningRate { get; }

    /// <summary>The learning rate the next <see cref="Step"/> uses; the trainer sets it from the schedule before each step.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a negative, NaN or infinite value.</exception>
    public float LearningRate
    {
        get;
        set
        {
            RequireRate(value, nameof(value));
            field = value;
        }
    }

    /// <summary>Steps taken so far (PyTorch's per-parameter <c>step</c>, the t of Adam's bias correction).</summary>
    public long StepCount { get; private set; }

    /// <summary>The parameter lists this optimizer updates.</summary>
    public IReadOnlyList<ParameterList> Parameters => _lists;

    /// <summary>Applies one update to every parameter from its gradient, then marks every list changed.</summary>
    public void Step()
    {
        StepCount++;
        for (int l = 0; l < _lists.Length; l++)
        {
            ParameterList list = _lists[l];
            Update(l, list.Values, list.Gradients);
            list.MarkChanged();
        }
    }

    /// <summary>A copy of the optimizer's state: its name, step count, learning rate and every state buffer.</summary>
    public OptimizerState ExportState()
    {
        var buffers = new float[_state.Length][];
        for (int i = 0; i < _state.Length; i++)
        {
            buffers[i] = (float[])_state[i].Clone();
        }

        return new OptimizerState(Name, StepCount, LearningRate, buffers);
    }

    /// <summary>Replaces the state with <paramref name="state"/> (from <see cref="ExportState"/> of an optimizer of the same kind and parameters).</summary>
    /// <exception cref="ArgumentException">The state is of another algorithm or its buffers do not match these parameters.</exception>
    public void ImportState(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Name != Name)
        {
            TrainingThrow.Argument(nameof(state), $"The state is of optimizer '{state.Name}'; this one is '{Name}'.");
        }

        if (state.Buffers.Count != _state.Length)
        {
            TrainingThrow.Argument(nameof(state), $"The state has {state.Buffers.Count} buffers; this optimizer needs {_state.Length}.");
        }

        for (int i = 0; i < _state.Length; i++)
        {
            if (state.Buffers[i].Length != _state[i].Length)
            {
                TrainingThrow.Argument(nameof(state), $"State buffer {i} holds {state.Buffers[i].Length} values; this optimizer needs {_state[i].Length}.");
            }
        }

        for (int i = 0; i < _state.Length; i++)
        {
            state.Buffers[i].CopyTo(_state[i], 0);
        }

        StepCount = state.StepCount;
        LearningRate = state.LearningRate;
    }

    /// <summary>Updates the values of list <paramref name="listIndex"/> in place; <see cref="StepCount"/> is already the new step's t.</summary>
    /// <param name="listIndex">Which list (to find its state with <see cref="State"/>).</param>
    /// <param name="values">The list's values, written.</param>
    /// <param name="gradients">The list's accumulated gradients.</param>
    protected abstract void Update(int listIndex, Span<float> values, ReadOnlySpan<float> gradients);

    /// <summary>The state buffer <paramref name="slot"/> of list <paramref name="listIndex"/>, the layout of its values.</summary>
    protected Span<float> State(int slot, int listIndex) => _state[(slot * _lists.Length) + listIndex];

    /// <summary>Throws when <paramref name="value"/> is negative, NaN or infinite.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is out of range.</exception>
    protected static void RequireNonNegative(float value, string paramName)
    {
        if (!(value >= 0f) || !float.IsFinite(value))
        {
            TrainingThrow.OutOfRange(paramName, $"{paramName} must be a non-negative finite number; got {value}.");
        }
    }

    /// <summary>Throws when <paramref name="value"/> is not in [0, 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is out of range.</exception>
    protected static void RequireUnitInterval(float value, string paramName)
    {
        if (!(value >= 0f && value < 1f))
        {
            TrainingThrow.OutOfRange(paramName, $"{paramName} must be in [0, 1); got {value}.");
        }
    }

    private static void RequireRate(float value, string paramName) => RequireNonNegative(value, paramName);
}
