using MathNet.Numerics.LinearAlgebra;
using Sweep.Numerics.Problems;
using Sweep.Numerics.Kernels;
using Sweep.Numerics.Sampling;

namespace Sweep.Numerics.Tests;

internal static class TestProblems
{
    public static LinearNetworkProblem Canonical(double[] sigmas, int dx, params int[] hidden)
    {
        var v = LinearNetworkProblem.Canonical(sigmas, dx, hidden);
        Assert.True(v.IsValid, v.Error?.Message);
        return v.Value!;
    }

    /// <summary>Random data with m examples; targets from a random linear map plus noise, so the residual is non-zero.</summary>
    public static (double[,] X, double[,] Y) RandomData(int dx, int dy, int m, int seed)
    {
        var rng = new Random(seed);
        var x = new double[dx, m];
        var y = new double[dy, m];
        var a = new double[dy, dx];
        for (int i = 0; i < dy; i++) for (int j = 0; j < dx; j++) a[i, j] = rng.NextDouble() * 2 - 1 + (i == j ? 2.0 * (dy - i) : 0);
        for (int c = 0; c < m; c++)
        {
            for (int j = 0; j < dx; j++) x[j, c] = (rng.NextDouble() * 2 - 1) * (1 + 0.3 * j);
            for (int i = 0; i < dy; i++)
            {
                double s = 0;
                for (int j = 0; j < dx; j++) s += a[i, j] * x[j, c];
                y[i, c] = s + 0.2 * (rng.NextDouble() * 2 - 1);
            }
        }
        return (x, y);
    }

    public static LinearNetworkProblem Data(int dx, int dy, int m, int seed, bool whiten, params int[] hidden)
    {
        var (x, y) = RandomData(dx, dy, m, seed);
        var v = LinearNetworkProblem.FromData(x, y, hidden, whiten);
        Assert.True(v.IsValid, v.Error?.Message);
        return v.Value!;
    }

    public static double[] RandomWeights(LinearNetworkProblem p, double scale, int seed)
    {
        var w = p.NewParameters();
        new GaussianInitializer(scale, []).Draw(p, seed, 0, 0, w);
        return w;
    }

    public static Matrix<double> RandomOrthogonal(int n, int seed)
    {
        var rng = new Random(seed);
        var a = Matrix<double>.Build.Dense(n, n, (_, _) => rng.NextDouble() - 0.5);
        return a.QR().Q;
    }
}
