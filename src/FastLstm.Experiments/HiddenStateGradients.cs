using FastLstm.Training;

namespace FastLstm.Experiments;

/// <summary>
/// ‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖ for an LSTM) at every step t = 0 … T of a one-layer, one-direction, last-step model, for
/// a loss on the last step only: how much the loss still "hears" of each step's state.
/// </summary>
/// <remarks>
/// Computed exactly with the public engine API, without a hook into the backward pass: the states h_t, c_t are
/// collected by stepping through the sequence; then, for each t, the suffix x_t … x_{T−1} runs forward from the
/// initial state (h_t, c_t) and backward, and the gradient with respect to that initial state is ∂L/∂h_t (c_t held
/// fixed, as in the unrolled graph where h_t and c_t are separate nodes). The suffix from h_t is exactly the part of the
/// graph that depends on h_t, so by the chain rule this is the gradient of the full computation. It costs O(T²) steps.
/// L is the per-sequence loss (the batch-mean loss's gradient times B), and the norms are averaged over the batch.
/// </remarks>
public static class HiddenStateGradients
{
    /// <summary>Per-step gradient norms: index t is the state after t steps (t = 0 is h0, t = T the last state).</summary>
    public sealed record Series(double[] Hidden, double[] Cell, double Loss);

    /// <summary>Measures <paramref name="data"/> (all sequences as one batch) under <paramref name="loss"/>.</summary>
    public static Series Measure(RecurrentModel model, SequenceDataset data, Loss loss)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(loss);
        RecurrentOptions o = model.Recurrent.Options;
        if (o.NumLayers != 1 || o.Bidirectional || model.HeadMode != HeadMode.LastStep || model.Embedding is not null || data.HasLengths)
        {
            throw new ArgumentException("The measurement needs a one-layer, one-direction, last-step model without embedding and sequences of equal length.", nameof(model));
        }

        int steps = data.SequenceLength;
        int batch = data.Count;
        int hidden = o.HiddenSize;
        bool lstm = o.HasCellState;
        var batchData = new SequenceBatch(steps, batch, data.InputSize, data.TargetWidth, targetsPerStep: false);
        int[] all = Enumerable.Range(0, batch).ToArray();
        batchData.Fill(data, all);
        ReadOnlySpan<float> x = batchData.Inputs;
        int stepInputs = batch * data.InputSize;

        // States after t steps, (T + 1, B, H), by streaming the sequence through the layer.
        var hiddenStates = new float[(steps + 1) * batch * hidden];
        var cellStates = new float[lstm ? (steps + 1) * batch * hidden : 0];
        RecurrentState state = model.Recurrent.CreateState(batch);
        var output = new float[batch * hidden];
        for (int t = 0; t < steps; t++)
        {
            model.Recurrent.Step(state, x.Slice(t * stepInputs, stepInputs), output);
            state.Hidden.CopyTo(hiddenStates.AsSpan((t + 1) * batch * hidden));
            state.Cell.CopyTo(cellStates.AsSpan(lstm ? (t + 1) * batch * hidden : 0));
        }

        var hiddenNorms = new double[steps + 1];
        var cellNorms = new double[lstm ? steps + 1 : 0];
        ModelWorkspace workspace = model.CreateWorkspace();
        var gradient = new float[batch * model.OutputSize];
        double lossValue = double.NaN;
        for (int t = 0; t < steps; t++)
        {
            int slot = t * batch * hidden;
            model.Forward(
                workspace, x.Slice(t * stepInputs), steps - t, batch,
                initialHidden: hiddenStates.AsSpan(slot, batch * hidden),
                initialCell: lstm ? cellStates.AsSpan(slot, batch * hidden) : default);
            LossSum value = loss.Compute(workspace.Output, batchData.Targets, model.OutputSize, default, gradient);
            lossValue = value.Mean;
            model.Backward(workspace, gradient);
            hiddenNorms[t] = MeanRowNorm(workspace.Recurrent.InitialHiddenGradient, batch);
            if (lstm)
            {
                cellNorms[t] = MeanRowNorm(workspace.Recurrent.InitialCellGradient, batch);
            }

            if (t == steps - 1)
            {
                // The last state feeds only the head: ∂L/∂h_T = dL/dy · W_head.
                var last = new float[batch * hidden];
                model.Head.Backward(hiddenStates.AsSpan(steps * batch * hidden, batch * hidden), gradient, last);
                hiddenNorms[steps] = MeanRowNorm(last, batch);
                if (lstm)
                {
                    cellNorms[steps] = 0;
                }
            }
        }

        model.ZeroGradients();
        return new Series(hiddenNorms, cellNorms, lossValue);
    }

    /// <summary>Mean over the B rows of each row's L2 norm, times B: the per-sequence gradient of a batch-mean loss.</summary>
    private static double MeanRowNorm(ReadOnlySpan<float> rows, int batch)
    {
        int width = rows.Length / batch;
        double total = 0;
        for (int b = 0; b < batch; b++)
        {
            double squares = 0;
            foreach (float g in rows.Slice(b * width, width))
            {
                squares += (double)g * g;
            }

            total += Math.Sqrt(squares);
        }

        return total;
    }
}
