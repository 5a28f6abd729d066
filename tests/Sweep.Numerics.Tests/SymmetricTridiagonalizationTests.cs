using MathNet.Numerics.LinearAlgebra;
using Sweep.Numerics.Analysis;

namespace Sweep.Numerics.Tests;

/// <summary>
/// <see cref="SymmetricTridiagonalization"/> against its definition (A = Q T Qᵀ, Q orthogonal, T tridiagonal) and
/// against MathNet's eigenvalues (T has A's spectrum), at sizes around every SIMD block edge.
/// </summary>
public class SymmetricTridiagonalizationTests
{
    public static TheoryData<string, int> Matrices()
    {
        var data = new TheoryData<string, int>();
        foreach (int n in new[] { 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33, 64, 80, 97, 401 }) data.Add("random", n);   // 401: rows in several passes
        data.Add("low-rank", 24);       // repeated zero eigenvalues
        data.Add("zero-block", 20);     // columns already reduced: no reflection
        data.Add("diagonal", 9);
        data.Add("tridiagonal", 12);
        data.Add("zero", 6);
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrices))]
    public void Reduces_to_tridiagonal_form_with_the_same_spectrum(string kind, int n)
    {
        var m = Build(kind, n, 100 + n);
        var (d, e, q) = Reduce(m);
        var qm = Matrix<double>.Build.Dense(n, n, (i, j) => q[i * n + j]);
        var t = Matrix<double>.Build.Dense(n, n, (i, j) => i == j ? d[i] : i == j + 1 ? e[i] : j == i + 1 ? e[j] : 0);
        double norm = Math.Max(m.L2Norm(), 1);
        Assert.Equal(0.0, e[0]);
        Assert.True((qm.TransposeThisAndMultiply(qm) - Matrix<double>.Build.DenseIdentity(n)).L2Norm() <= 1e-13 * n, "Q orthogonal");
        Assert.True((qm * t * qm.Transpose() - m).L2Norm() <= 1e-13 * n * norm, "A = Q T Qᵀ");
        var expected = m.Evd(Symmetricity.Symmetric).EigenValues.Select(z => z.Real).Order().ToArray();
        var actual = t.Evd(Symmetricity.Symmetric).EigenValues.Select(z => z.Real).Order().ToArray();
        for (int k = 0; k < n; k++) Assert.True(Math.Abs(expected[k] - actual[k]) <= 1e-13 * n * norm, $"eigenvalue {k}: {actual[k]} vs {expected[k]}");
    }

    [Theory]
    [InlineData(new[] { 4, 4, 4, 4 }, 0.03)]
    [InlineData(new[] { 4, 4, 4, 4, 4 }, 1.0)]
    [InlineData(new[] { 4, 4 }, 0.0)]               // W = 0: a Hessian with a large null space
    public void Reduces_network_Hessians(int[] hidden, double scale)
    {
        var p = TestProblems.Canonical([3, 2, 1, 0.5], 4, hidden);
        var w = TestProblems.RandomWeights(p, scale, 17);
        int n = p.Shape.ParameterCount;
        var h = new double[n * n];
        new DenseHessian(p).Assemble(w, h);
        var (d, e, q) = Reduce(Matrix<double>.Build.Dense(n, n, h));
        var qm = Matrix<double>.Build.Dense(n, n, (i, j) => q[i * n + j]);
        var t = Matrix<double>.Build.Dense(n, n, (i, j) => i == j ? d[i] : i == j + 1 ? e[i] : j == i + 1 ? e[j] : 0);
        var hm = Matrix<double>.Build.Dense(n, n, h);
        Assert.True((qm * t * qm.Transpose() - hm).L2Norm() <= 1e-13 * n * Math.Max(hm.L2Norm(), 1));
    }

    /// <summary>The reduction reads the matrix and leaves it alone, and a second call on the same instance gives the same bits.</summary>
    [Fact]
    public void Leaves_its_input_alone_and_repeats_bit_for_bit()
    {
        int n = 37;
        var m = Build("random", n, 5);
        var a = m.ToRowMajorArray();
        var copy = (double[])a.Clone();
        var reduction = new SymmetricTridiagonalization(n);
        var (d1, e1, q1) = (new double[n], new double[n], new double[n * n]);
        var (d2, e2, q2) = (new double[n], new double[n], new double[n * n]);
        reduction.Reduce(a, d1, e1, q1);
        Assert.Equal(copy, a);
        reduction.Reduce(a, d2, e2, q2);
        Assert.Equal(d1, d2);
        Assert.Equal(e1, e2);
        Assert.Equal(q1, q2);
    }

    private static (double[] D, double[] E, double[] Q) Reduce(Matrix<double> m)
    {
        int n = m.RowCount;
        var (d, e, q) = (new double[n], Enumerable.Repeat(double.NaN, n).ToArray(), new double[n * n]);
        new SymmetricTridiagonalization(n).Reduce(m.ToRowMajorArray(), d, e, q);
        return (d, e, q);
    }

    private static Matrix<double> Build(string kind, int n, int seed)
    {
        var rng = new Random(seed);
        switch (kind)
        {
            case "random":
            {
                var b = Matrix<double>.Build.Dense(n, n, (_, _) => rng.NextDouble() * 2 - 1);
                return b + b.Transpose();
            }
            case "low-rank":
            {
                var b = Matrix<double>.Build.Dense(n, 3, (_, _) => rng.NextDouble() * 2 - 1);
                return b * b.Transpose();
            }
            case "zero-block":
            {
                var b = Matrix<double>.Build.Dense(n, n, (i, j) => i < n / 2 && j < n / 2 ? rng.NextDouble() * 2 - 1 : 0);
                return b + b.Transpose();
            }
            case "tridiagonal":
                return Matrix<double>.Build.Dense(n, n, (i, j) => i == j ? 2 : Math.Abs(i - j) == 1 ? -1 : 0);
            case "zero":
                return Matrix<double>.Build.Dense(n, n);
            default:
                return Matrix<double>.Build.DenseOfDiagonalArray(Enumerable.Range(0, n).Select(i => (double)((i * 7) % 5)).ToArray());
        }
    }
}
