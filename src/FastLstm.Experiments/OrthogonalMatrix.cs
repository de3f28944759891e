namespace FastLstm.Experiments;

/// <summary>A random orthogonal matrix (Gram–Schmidt on a Gaussian matrix, in double): all eigenvalues on the unit circle.</summary>
public static class OrthogonalMatrix
{
    /// <summary>An n×n orthogonal matrix times <paramref name="scale"/>, row-major: its spectral radius is |scale|.</summary>
    public static float[] Create(int n, double scale, int seed)
    {
        var random = new Random(seed);
        var rows = new double[n][];
        for (int i = 0; i < n; i++)
        {
            rows[i] = new double[n];
            for (int j = 0; j < n; j++)
            {
                double u1 = 1.0 - random.NextDouble();
                double u2 = random.NextDouble();
                rows[i][j] = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
            }

            // Modified Gram–Schmidt twice against the rows before: orthogonal to float precision.
            for (int pass = 0; pass < 2; pass++)
            {
                for (int k = 0; k < i; k++)
                {
                    double dot = 0;
                    for (int j = 0; j < n; j++)
                    {
                        dot += rows[i][j] * rows[k][j];
                    }

                    for (int j = 0; j < n; j++)
                    {
                        rows[i][j] -= dot * rows[k][j];
                    }
                }
            }

            double norm = Math.Sqrt(rows[i].Sum(v => v * v));
            for (int j = 0; j < n; j++)
            {
                rows[i][j] /= norm;
            }
        }

        var result = new float[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                result[(i * n) + j] = (float)(rows[i][j] * scale);
            }
        }

        return result;
    }
}
