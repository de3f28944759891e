namespace FastLstm.Tests.Reference;

/// <summary>
/// One time step of each cell, forward and backward, written straight from the equations in float64
/// (see <c>shared/fixtures/README.md</c>). Backward methods accumulate (+=) into the parameter gradients in
/// <c>grad</c> and return the gradients of the step's inputs.
/// </summary>
internal static class ReferenceCells
{
    public static RefStepCache Forward(RefConfig config, RefDirectionParams w, double[] x, double[] hPrev, double[]? cPrev) =>
        config.Cell switch
        {
            RefCell.RnnTanh or RefCell.RnnRelu => RnnForward(config, w, x, hPrev),
            RefCell.Lstm => LstmForward(config, w, x, hPrev, cPrev!),
            _ => GruForward(config, w, x, hPrev),
        };

    /// <summary>Backward of one step given dL/dh_t (and dL/dc_t for LSTM).</summary>
    /// <returns>dL/dx_t, dL/dh_{t-1}, dL/dc_{t-1} (LSTM, else null).</returns>
    public static (double[] DX, double[] DHPrev, double[]? DCPrev) Backward(RefConfig config, RefDirectionParams w,
        RefDirectionParams grad, RefStepCache step, double[] dh, double[]? dc) =>
        config.Cell switch
        {
            RefCell.RnnTanh or RefCell.RnnRelu => RnnBackward(config, w, grad, step, dh),
            RefCell.Lstm => LstmBackward(config, w, grad, step, dh, dc!),
            _ => GruBackward(config, w, grad, step, dh),
        };

    // ---------------------------------------------------------------- RNN
    // a  = W_ih x + b_ih + W_hh h + b_hh
    // h' = tanh(a)  or  relu(a)

    private static RefStepCache RnnForward(RefConfig config, RefDirectionParams w, double[] x, double[] hPrev)
    {
        int hidden = config.HiddenSize;
        double[] ih = InputPart(config, w, x);
        double[] hh = HiddenPart(config, w, hPrev);
        var h = new double[hidden];
        for (int j = 0; j < hidden; j++)
        {
            double a = ih[j] + hh[j];
            h[j] = config.Cell == RefCell.RnnTanh ? Math.Tanh(a) : Math.Max(a, 0.0);
        }

        return new RefStepCache { X = x, HPrev = hPrev, H = h, Gates = h };
    }

    private static (double[], double[], double[]?) RnnBackward(RefConfig config, RefDirectionParams w,
        RefDirectionParams grad, RefStepCache step, double[] dh)
    {
        int hidden = config.HiddenSize;
        var da = new double[hidden];
        for (int j = 0; j < hidden; j++)
        {
            double h = step.H[j];
            // tanh' = 1 - tanh²; relu' = 1 where a > 0 (h > 0), 0 elsewhere (PyTorch's threshold_backward at 0).
            da[j] = config.Cell == RefCell.RnnTanh ? dh[j] * (1.0 - (h * h)) : (h > 0.0 ? dh[j] : 0.0);
        }

        (double[] dx, double[] dhPrev) = LinearBackward(config, w, grad, da, da, step.X, step.HPrev);
        return (dx, dhPrev, null);
    }

    // ---------------------------------------------------------------- LSTM
    // i  = σ(W_ii x + b_ii + W_hi h + b_hi [+ P_i * c])
    // f  = σ(W_if x + b_if + W_hf h + b_hf [+ P_f * c])
    // g  = tanh(W_ig x + b_ig + W_hg h + b_hg)
    // c' = f * c + i * g
    // o  = σ(W_io x + b_io + W_ho h + b_ho [+ P_o * c'])
    // m  = o * tanh(c')
    // h' = m, or W_hr m with projection

    private static RefStepCache LstmForward(RefConfig config, RefDirectionParams w, double[] x, double[] hPrev, double[] cPrev)
    {
        int hidden = config.HiddenSize;
        double[] ih = InputPart(config, w, x);
        double[] hh = HiddenPart(config, w, hPrev);
        double[]? p = w.Peephole;
        var gates = new double[4 * hidden];   // i | f | g | o
        var c = new double[hidden];
        var tanhC = new double[hidden];
        var m = new double[hidden];
        for (int j = 0; j < hidden; j++)
        {
            double ai = ih[j] + hh[j];
            double af = ih[hidden + j] + hh[hidden + j];
            double ag = ih[(2 * hidden) + j] + hh[(2 * hidden) + j];
            double ao = ih[(3 * hidden) + j] + hh[(3 * hidden) + j];
            if (p is not null)
            {
                ai += p[j] * cPrev[j];
                af += p[hidden + j] * cPrev[j];
            }

            double i = RefMath.Sigmoid(ai);
            double f = RefMath.Sigmoid(af);
            double g = Math.Tanh(ag);
            c[j] = (f * cPrev[j]) + (i * g);
            if (p is not null)
            {
                ao += p[(2 * hidden) + j] * c[j];
            }

            double o = RefMath.Sigmoid(ao);
            tanhC[j] = Math.Tanh(c[j]);
            m[j] = o * tanhC[j];
            gates[j] = i;
            gates[hidden + j] = f;
            gates[(2 * hidden) + j] = g;
            gates[(3 * hidden) + j] = o;
        }

        double[] h = w.WeightHr is null ? m : RefMath.MatVec(w.WeightHr, config.ProjSize, hidden, m);
        return new RefStepCache
        {
            X = x, HPrev = hPrev, CPrev = cPrev, H = h, C = c, Gates = gates, TanhC = tanhC, Unprojected = m,
        };
    }

    private static (double[], double[], double[]?) LstmBackward(RefConfig config, RefDirectionParams w,
        RefDirectionParams grad, RefStepCache step, double[] dh, double[] dc)
    {
        int hidden = config.HiddenSize;
        double[] m = step.Unprojected!;
        double[] tanhC = step.TanhC!;
        double[] c = step.C!;
        double[] cPrev = step.CPrev!;
        double[]? p = w.Peephole;

        // h' = W_hr m  =>  dW_hr += dh mᵀ, dm = W_hrᵀ dh.
        double[] dm = dh;
        if (w.WeightHr is not null)
        {
            RefMath.AddOuter(grad.WeightHr!, dh, m);
            dm = RefMath.MatTVec(w.WeightHr, config.ProjSize, hidden, dh);
        }

        var da = new double[4 * hidden];   // gradients of the pre-activations, i | f | g | o
        var dcPrev = new double[hidden];
        for (int j = 0; j < hidden; j++)
        {
            double i = step.Gates[j];
            double f = step.Gates[hidden + j];
            double g = step.Gates[(2 * hidden) + j];
            double o = step.Gates[(3 * hidden) + j];

            double dOut = dm[j] * tanhC[j];
            double dao = dOut * o * (1.0 - o);
            double dcTotal = dc[j] + (dm[j] * o * (1.0 - (tanhC[j] * tanhC[j])));
            if (p is not null)
            {
                // o saw P_o * c'.
                grad.Peephole![(2 * hidden) + j] += dao * c[j];
                dcTotal += dao * p[(2 * hidden) + j];
            }

            double dai = dcTotal * g * i * (1.0 - i);
            double daf = dcTotal * cPrev[j] * f * (1.0 - f);
            double dag = dcTotal * i * (1.0 - (g * g));
            dcPrev[j] = dcTotal * f;
            if (p is not null)
            {
                // i and f saw P_i * c and P_f * c.
                grad.Peephole![j] += dai * cPrev[j];
                grad.Peephole![hidden + j] += daf * cPrev[j];
                dcPrev[j] += (dai * p[j]) + (daf * p[hidden + j]);
            }

            da[j] = dai;
            da[hidden + j] = daf;
            da[(2 * hidden) + j] = dag;
            da[(3 * hidden) + j] = dao;
        }

        (double[] dx, double[] dhPrev) = LinearBackward(config, w, grad, da, da, step.X, step.HPrev);
        return (dx, dhPrev, dcPrev);
    }

    // ---------------------------------------------------------------- GRU
    // r  = σ(W_ir x + b_ir + W_hr h + b_hr)
    // z  = σ(W_iz x + b_iz + W_hz h + b_hz)
    // n  = tanh(W_in x + b_in + r * (W_hn h + b_hn))      linear_before_reset (PyTorch)
    // n  = tanh(W_in x + b_in + W_hn (r * h) + b_hn)      original form
    // h' = (1 - z) * n + z * h

    private static RefStepCache GruForward(RefConfig config, RefDirectionParams w, double[] x, double[] hPrev)
    {
        int hidden = config.HiddenSize;
        double[] ih = InputPart(config, w, x);
        double[] hh = HiddenPart(config, w, hPrev);   // rows n are used only by linear_before_reset
        var gates = new double[3 * hidden];   // r | z | n
        var h = new double[hidden];
        double[]? hiddenN = null;
        double[]? resetH = null;

        var r = new double[hidden];
        var z = new double[hidden];
        for (int j = 0; j < hidden; j++)
        {
            r[j] = RefMath.Sigmoid(ih[j] + hh[j]);
            z[j] = RefMath.Sigmoid(ih[hidden + j] + hh[hidden + j]);
        }

        var nTerm = new double[hidden];   // what is added to W_in x + b_in inside n's tanh
        if (config.GruLinearBeforeReset)
        {
            hiddenN = new double[hidden];
            for (int j = 0; j < hidden; j++)
            {
                hiddenN[j] = hh[(2 * hidden) + j];
                nTerm[j] = r[j] * hiddenN[j];
            }
        }
        else
        {
            resetH = new double[hidden];
            for (int j = 0; j < hidden; j++)
            {
                resetH[j] = r[j] * hPrev[j];
            }

            double[] whhResetH = RefMath.MatVec(w.WeightHh, 3 * hidden, hidden, resetH);
            for (int j = 0; j < hidden; j++)
            {
                nTerm[j] = whhResetH[(2 * hidden) + j] + (w.BiasHh is null ? 0.0 : w.BiasHh[(2 * hidden) + j]);
            }
        }

        for (int j = 0; j < hidden; j++)
        {
            double n = Math.Tanh(ih[(2 * hidden) + j] + nTerm[j]);
            h[j] = ((1.0 - z[j]) * n) + (z[j] * hPrev[j]);
            gates[j] = r[j];
            gates[hidden + j] = z[j];
            gates[(2 * hidden) + j] = n;
        }

        return new RefStepCache { X = x, HPrev = hPrev, H = h, Gates = gates, HiddenN = hiddenN, ResetH = resetH };
    }

    private static (double[], double[], double[]?) GruBackward(RefConfig config, RefDirectionParams w,
        RefDirectionParams grad, RefStepCache step, double[] dh)
    {
        int hidden = config.HiddenSize;
        double[] hPrev = step.HPrev;
        var dhPrev = new double[hidden];
        var daz = new double[hidden];
        var dan = new double[hidden];
        for (int j = 0; j < hidden; j++)
        {
            double z = step.Gates[hidden + j];
            double n = step.Gates[(2 * hidden) + j];
            dhPrev[j] = dh[j] * z;
            daz[j] = dh[j] * (hPrev[j] - n) * z * (1.0 - z);
            dan[j] = dh[j] * (1.0 - z) * (1.0 - (n * n));
        }

        var daIh = new double[3 * hidden];   // gradient of W_ih x + b_ih, r | z | n
        if (config.GruLinearBeforeReset)
        {
            double[] hiddenN = step.HiddenN!;
            var daHh = new double[3 * hidden];   // gradient of W_hh h + b_hh, r | z | n
            for (int j = 0; j < hidden; j++)
            {
                double r = step.Gates[j];
                double dar = dan[j] * hiddenN[j] * r * (1.0 - r);
                daIh[j] = dar;
                daIh[hidden + j] = daz[j];
                daIh[(2 * hidden) + j] = dan[j];
                daHh[j] = dar;
                daHh[hidden + j] = daz[j];
                daHh[(2 * hidden) + j] = dan[j] * r;
            }

            (double[] dx, double[] dhLinear) = LinearBackward(config, w, grad, daIh, daHh, step.X, hPrev);
            RefMath.AddTo(dhPrev, dhLinear);
            return (dx, dhPrev, null);
        }
        else
        {
            double[] resetH = step.ResetH!;

            // W_hn (r*h) + b_hn: its gradient is dan; d(r*h) = W_hnᵀ dan.
            var daHhN = new double[3 * hidden];   // only rows n non-zero
            for (int j = 0; j < hidden; j++)
            {
                daHhN[(2 * hidden) + j] = dan[j];
            }

            double[] dResetH = RefMath.MatTVec(w.WeightHh, 3 * hidden, hidden, daHhN);
            var daHhRz = new double[3 * hidden];   // only rows r, z non-zero
            for (int j = 0; j < hidden; j++)
            {
                double r = step.Gates[j];
                double dar = dResetH[j] * hPrev[j] * r * (1.0 - r);
                dhPrev[j] += dResetH[j] * r;
                daIh[j] = dar;
                daIh[hidden + j] = daz[j];
                daIh[(2 * hidden) + j] = dan[j];
                daHhRz[j] = dar;
                daHhRz[hidden + j] = daz[j];
            }

            RefMath.AddOuter(grad.WeightIh, daIh, step.X);
            RefMath.AddOuter(grad.WeightHh, daHhRz, hPrev);
            RefMath.AddOuter(grad.WeightHh, daHhN, resetH);
            if (grad.BiasIh is not null)
            {
                RefMath.AddTo(grad.BiasIh, daIh);
                RefMath.AddTo(grad.BiasHh!, daHhRz);
                RefMath.AddTo(grad.BiasHh!, daHhN);
            }

            RefMath.AddTo(dhPrev, RefMath.MatTVec(w.WeightHh, 3 * hidden, hidden, daHhRz));
            double[] dx = RefMath.MatTVec(w.WeightIh, 3 * hidden, w.InputSize, daIh);
            return (dx, dhPrev, null);
        }
    }

    // ---------------------------------------------------------------- shared linear parts

    /// <summary>(G*H) W_ih x + b_ih.</summary>
    private static double[] InputPart(RefConfig config, RefDirectionParams w, double[] x)
    {
        double[] result = RefMath.MatVec(w.WeightIh, config.Gates * config.HiddenSize, w.InputSize, x);
        if (w.BiasIh is not null)
        {
            RefMath.AddTo(result, w.BiasIh);
        }

        return result;
    }

    /// <summary>(G*H) W_hh h + b_hh.</summary>
    private static double[] HiddenPart(RefConfig config, RefDirectionParams w, double[] h)
    {
        double[] result = RefMath.MatVec(w.WeightHh, config.Gates * config.HiddenSize, config.OutputHidden, h);
        if (w.BiasHh is not null)
        {
            RefMath.AddTo(result, w.BiasHh);
        }

        return result;
    }

    /// <summary>
    /// Backward of <c>(W_ih x + b_ih)</c> and <c>(W_hh h + b_hh)</c> given the gradients of both sums.
    /// </summary>
    /// <returns>dL/dx and the dL/dh contribution through W_hh.</returns>
    private static (double[] DX, double[] DH) LinearBackward(RefConfig config, RefDirectionParams w, RefDirectionParams grad,
        double[] daIh, double[] daHh, double[] x, double[] h)
    {
        int rows = config.Gates * config.HiddenSize;
        RefMath.AddOuter(grad.WeightIh, daIh, x);
        RefMath.AddOuter(grad.WeightHh, daHh, h);
        if (grad.BiasIh is not null)
        {
            RefMath.AddTo(grad.BiasIh, daIh);
            RefMath.AddTo(grad.BiasHh!, daHh);
        }

        return (RefMath.MatTVec(w.WeightIh, rows, w.InputSize, daIh), RefMath.MatTVec(w.WeightHh, rows, config.OutputHidden, daHh));
    }
}
