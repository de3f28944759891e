namespace FastLstm.Tests.Reference;

/// <summary>Plain float64 loops for the reference: row-major matrices, no tricks.</summary>
internal static class RefMath
{
    /// <summary>Returns W v for W (rows, cols) row-major.</summary>
    public static double[] MatVec(double[] w, int rows, int cols, double[] v)
    {
        var result = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double sum = 0;
            for (int c = 0; c < cols; c++)
            {
                sum += w[(r * cols) + c] * v[c];
            }

            result[r] = sum;
        }

        return result;
    }

    /// <summary>Returns Wᵀ u for W (rows, cols) row-major.</summary>
    public static double[] MatTVec(double[] w, int rows, int cols, double[] u)
    {
        var result = new double[cols];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                result[c] += w[(r * cols) + c] * u[r];
            }
        }

        return result;
    }

    /// <summary>dW += u vᵀ for dW (u.Length, v.Length) row-major.</summary>
    public static void AddOuter(double[] dw, double[] u, double[] v)
    {
        for (int r = 0; r < u.Length; r++)
        {
            for (int c = 0; c < v.Length; c++)
            {
                dw[(r * v.Length) + c] += u[r] * v[c];
            }
        }
    }

    /// <summary>dst += src, element-wise.</summary>
    public static void AddTo(double[] dst, double[] src)
    {
        for (int k = 0; k < dst.Length; k++)
        {
            dst[k] += src[k];
        }
    }

    public static double Sigmoid(double a) => 1.0 / (1.0 + Math.Exp(-a));

    /// <summary>Copies <paramref name="count"/> values starting at <paramref name="offset"/>.</summary>
    public static double[] Slice(double[] source, int offset, int count)
    {
        var result = new double[count];
        Array.Copy(source, offset, result, 0, count);
        return result;
    }
}
