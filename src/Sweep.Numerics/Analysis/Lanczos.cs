using MathNet.Numerics.LinearAlgebra;
using Sweep.Numerics.Sampling;

namespace Sweep.Numerics.Analysis;

/// <summary>y = A x for a symmetric operator A.</summary>
public delegate void SymmetricOperator(ReadOnlySpan<double> x, Span<double> y);

/// <summary>
/// Extreme eigenvalues of a symmetric operator by Lanczos with full reorthogonalisation, and the number of eigenvalues
/// below −τ by deflation: each run locks the Ritz vectors of its Ritz values below −τ and the next run works on
/// (I − QQᵀ) A (I − QQᵀ) from a new start orthogonal to them, until a run finds no Ritz value below −τ. A Krylov space
/// holds one vector per eigenspace, so repeated eigenvalues are counted by the later runs. Ritz values are upper
/// bounds of the smallest eigenvalue (Cauchy interlacing), so a Ritz value below −τ proves an eigenvalue below −τ.
/// Accuracy: a run stops after <see cref="MaxIterations"/> steps, at an invariant subspace, or once its extreme Ritz
/// pairs have residuals ≤ <see cref="ResidualTolerance"/> relative to the largest |Ritz value| (checked every 10 steps).
/// Start vectors come from a fixed counter stream, so results are reproducible.
/// </summary>
public static class Lanczos
{
    public const int MaxIterations = 300;
    public const int MaxRuns = 64;
    public const double ResidualTolerance = 1e-10;

    /// <summary>λ_min, λ_max, and how many eigenvalues lie below −<paramref name="threshold"/> (a lower bound if <see cref="MaxRuns"/> is reached).</summary>
    public sealed record Result(double Min, double Max, int BelowThreshold, int Runs, int Iterations);

    public static Result Extremes(int n, SymmetricOperator a, double threshold, int maxIterations = MaxIterations)
    {
        var locked = new List<double[]>();
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        int runs = 0, iterations = 0;
        var stream = new SampleStream(0x4C414E43, 0, 0);
        while (runs < MaxRuns && locked.Count < n)
        {
            runs++;
            var (values, vectors, steps) = Run(n, a, locked, stream, Math.Min(maxIterations, n - locked.Count));
            iterations += steps;
            if (values.Length == 0) break;
            min = Math.Min(min, values[0]);
            max = Math.Max(max, values[^1]);
            int found = 0;
            for (int k = 0; k < values.Length && values[k] < -threshold; k++)
            {
                if (!AddOrthonormal(locked, vectors[k])) continue;
                found++;
            }
            if (found == 0) break;
        }
        return new Result(min, max, locked.Count, runs, iterations);
    }

    /// <summary>One Lanczos run on the operator deflated by <paramref name="locked"/>: Ritz values ascending, their vectors, steps.</summary>
    private static (double[] Values, double[][] Vectors, int Steps) Run(int n, SymmetricOperator a, List<double[]> locked, SampleStream stream, int m)
    {
        var basis = new List<double[]>();
        var alpha = new List<double>();
        var beta = new List<double>();
        var q = new double[n];
        for (int k = 0; k < n; k++) q[k] = stream.NextGaussian();
        Orthogonalise(q, locked);
        if (Normalise(q) == 0) return ([], [], 0);
        var w = new double[n];
        double scale = 0;
        while (basis.Count < m)
        {
            basis.Add(q);
            a(q, w);
            Orthogonalise(w, locked);
            double aj = Dot(q, w);
            alpha.Add(aj);
            scale = Math.Max(scale, Math.Abs(aj));
            // Full reorthogonalisation (twice is enough): keeps the Ritz values free of ghost copies.
            Orthogonalise(w, basis);
            Orthogonalise(w, basis);
            double bj = Norm(w);
            scale = Math.Max(scale, bj);
            if (bj <= 1e-13 * Math.Max(scale, double.Epsilon) || basis.Count == m) { beta.Add(bj <= 1e-13 * Math.Max(scale, double.Epsilon) ? 0 : bj); break; }
            beta.Add(bj);
            if (basis.Count % 10 == 0 && Converged(alpha, beta)) break;
            var next = new double[n];
            for (int k = 0; k < n; k++) next[k] = w[k] / bj;
            q = next;
            w = new double[n];
        }
        var (values, y) = Tridiagonal(alpha, beta);
        var vectors = new double[values.Length][];
        for (int k = 0; k < values.Length; k++)
        {
            var x = new double[n];
            for (int j = 0; j < basis.Count; j++)
            {
                double c = y[j, k];
                var b = basis[j];
                for (int i = 0; i < n; i++) x[i] += c * b[i];
            }
            vectors[k] = x;
        }
        return (values, vectors, basis.Count);
    }

    /// <summary>Whether the smallest and largest Ritz pairs have converged (residual β_m |y_m| small).</summary>
    private static bool Converged(List<double> alpha, List<double> beta)
    {
        var (values, y) = Tridiagonal(alpha, beta.Take(alpha.Count - 1).ToList());
        int m = alpha.Count;
        double size = Math.Max(Math.Abs(values[0]), Math.Abs(values[^1]));
        double last = beta[m - 1];
        return Math.Abs(last * y[m - 1, 0]) <= ResidualTolerance * size && Math.Abs(last * y[m - 1, m - 1]) <= ResidualTolerance * size;
    }

    private static (double[] Values, Matrix<double> Vectors) Tridiagonal(List<double> alpha, List<double> beta)
    {
        int m = alpha.Count;
        var t = Matrix<double>.Build.Dense(m, m);
        for (int j = 0; j < m; j++)
        {
            t[j, j] = alpha[j];
            if (j + 1 < m) { t[j, j + 1] = beta[j]; t[j + 1, j] = beta[j]; }
        }
        var evd = t.Evd(Symmetricity.Symmetric);
        // MathNet returns symmetric eigenvalues in ascending order.
        return (evd.EigenValues.Select(c => c.Real).ToArray(), evd.EigenVectors);
    }

    private static bool AddOrthonormal(List<double[]> set, double[] x)
    {
        var v = (double[])x.Clone();
        double before = Norm(v);
        Orthogonalise(v, set);
        Orthogonalise(v, set);
        if (Norm(v) <= 1e-8 * before) return false;
        Normalise(v);
        set.Add(v);
        return true;
    }

    private static void Orthogonalise(double[] x, List<double[]> against)
    {
        foreach (var b in against)
        {
            double c = Dot(b, x);
            for (int i = 0; i < x.Length; i++) x[i] -= c * b[i];
        }
    }

    private static double Normalise(double[] x)
    {
        double norm = Norm(x);
        if (norm == 0) return 0;
        for (int i = 0; i < x.Length; i++) x[i] /= norm;
        return norm;
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    private static double Norm(double[] x) => Math.Sqrt(Dot(x, x));
}
