using MathNet.Numerics.LinearAlgebra;
using Sweep.Numerics.Integration;

namespace Sweep.Numerics.Tests;

/// <summary>
/// <see cref="TridiagonalJacobian"/>: its shifted solves against a dense LU solve of the assembled Hessian (real and
/// complex shifts as Radau IIA meets them, even and odd dimensions for the twisted factorisation), its λ_min against
/// MathNet's eigenvalues, and the bisection against a closed-form spectrum.
/// </summary>
public class TridiagonalJacobianTests
{
    private static readonly double[] Sigmas = [3, 2, 1, 0.5];

    [Theory]
    [InlineData(new[] { 4, 4 }, 0.7)]        // 48 parameters
    [InlineData(new[] { 5, 5 }, 0.7)]        // 65: an odd dimension
    [InlineData(new[] { 4, 4, 4, 4 }, 0.03)] // 80, near a saddle
    [InlineData(new[] { 4 }, 0.5)]           // 32
    public void Solves_match_a_dense_solve(int[] hidden, double scale)
    {
        var p = TestProblems.Canonical(Sigmas, 4, hidden);
        var w = TestProblems.RandomWeights(p, scale, 3);
        var jac = new TridiagonalJacobian(p);
        jac.Update(w);
        var h = new Analysis.Hessian(p).At(w).Dense();
        int n = p.Shape.ParameterCount;
        var identity = Matrix<double>.Build.DenseIdentity(n);
        var rng = new Random(4);
        var b = Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var c = Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.5).ToArray();
        // Radau IIA's shifts at a step h with h·|λ_min| ≤ 1: γ/h, (α + iβ)/h.
        double step = jac.MinEigenvalue < 0 ? 1 / -jac.MinEigenvalue : 10;
        double a = 3.6378342527444957 / step, re = 2.6810828736277523 / step, im = 3.0504301992474105 / step;
        var x = (double[])b.Clone();
        jac.SolveShifted(a, x, new double[n]);
        var expected = (h + a * identity).Solve(Vector<double>.Build.DenseOfArray(b));
        double size = expected.AbsoluteMaximum();
        for (int i = 0; i < n; i++) Assert.True(Math.Abs(expected[i] - x[i]) <= 1e-10 * size, $"real shift, entry {i}: {x[i]} vs {expected[i]}");
        // Complex shift: ((re + i im) I + H)(u + i v) = b + i c, checked by applying the matrix to the solution.
        var u = (double[])b.Clone(); var v = (double[])c.Clone(); var real = (double[])b.Clone();
        jac.SolveStages(a, re, im, real, u, v, new double[n], new double[n], new double[n]);
        Assert.Equal(x, real);   // the fused real solve is the same bits as the single one
        var hu = h * Vector<double>.Build.DenseOfArray(u);
        var hv = h * Vector<double>.Build.DenseOfArray(v);
        double scaleB = b.Max(Math.Abs) + c.Max(Math.Abs);
        for (int i = 0; i < n; i++)
        {
            Assert.True(Math.Abs(b[i] - (re * u[i] - im * v[i] + hu[i])) <= 1e-10 * scaleB, $"complex shift, real part {i}");
            Assert.True(Math.Abs(c[i] - (re * v[i] + im * u[i] + hv[i])) <= 1e-10 * scaleB, $"complex shift, imaginary part {i}");
        }
        // A second solve at the same shifts (factors kept) and one at other shifts (refactored) are right too.
        var again = (double[])b.Clone();
        jac.SolveShifted(a, again, new double[n]);
        Assert.Equal(x, again);
        var other = (double[])b.Clone();
        jac.SolveShifted(4 * a, other, new double[n]);
        var expectedOther = (h + 4 * a * identity).Solve(Vector<double>.Build.DenseOfArray(b));
        for (int i = 0; i < n; i++) Assert.True(Math.Abs(expectedOther[i] - other[i]) <= 1e-10 * expectedOther.AbsoluteMaximum());
    }

    /// <summary>
    /// The twisted factorisation at the smallest dimensions a network has (one mode, d_x = d_y = 1: n = 2, 3, 4 with one,
    /// two and three hidden layers of width 1; 11 with widths 2 and 3), against the dense solve; and the fused solve run first, on a fresh instance, gives the
    /// same bits as the single solve after it (the factors kept from either are the same).
    /// </summary>
    [Theory]
    [InlineData(new[] { 1 })]
    [InlineData(new[] { 1, 1, 1 })]
    [InlineData(new[] { 1, 1 })]
    [InlineData(new[] { 2, 3 })]
    public void Smallest_dimensions_and_either_solve_first(int[] hidden)
    {
        var p = TestProblems.Canonical([3], 1, hidden);
        int n = p.Shape.ParameterCount;
        var w = TestProblems.RandomWeights(p, 0.8, 5);
        var h = new Analysis.Hessian(p).At(w).Dense();
        var jac = new TridiagonalJacobian(p);
        jac.Update(w);
        double a = 2 + Math.Abs(jac.MinEigenvalue), re = 1.5 + Math.Abs(jac.MinEigenvalue), im = 0.7;
        var rng = new Random(n);
        var b = Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var (x1, x2, x3) = ((double[])b.Clone(), (double[])b.Clone(), (double[])b.Clone());
        jac.SolveStages(a, re, im, x1, x2, x3, new double[n], new double[n], new double[n]);
        var single = (double[])b.Clone();
        jac.SolveShifted(a, single, new double[n]);
        Assert.Equal(x1, single);
        var expected = (h + a * Matrix<double>.Build.DenseIdentity(n)).Solve(Vector<double>.Build.DenseOfArray(b));
        for (int i = 0; i < n; i++) Assert.True(Math.Abs(expected[i] - x1[i]) <= 1e-12 * expected.AbsoluteMaximum(), $"n = {n}, entry {i}");
        var hu = h * Vector<double>.Build.DenseOfArray(x2);
        var hv = h * Vector<double>.Build.DenseOfArray(x3);
        for (int i = 0; i < n; i++)
        {
            Assert.True(Math.Abs(b[i] - (re * x2[i] - im * x3[i] + hu[i])) <= 1e-12, $"n = {n}, real part {i}");
            Assert.True(Math.Abs(b[i] - (re * x3[i] + im * x2[i] + hv[i])) <= 1e-12, $"n = {n}, imaginary part {i}");
        }
    }

    [Theory]
    [InlineData(new[] { 4, 4, 4 }, 0.7)]
    [InlineData(new[] { 4, 4, 4, 4, 4 }, 0.01)]   // λ_min ≈ 0 near the origin
    [InlineData(new[] { 4, 4 }, 0.0)]              // W = 0: a large null space
    public void Smallest_eigenvalue_matches_MathNet(int[] hidden, double scale)
    {
        var p = TestProblems.Canonical(Sigmas, 4, hidden);
        var w = TestProblems.RandomWeights(p, scale, 9);
        var jac = new TridiagonalJacobian(p);
        jac.Update(w);
        var h = new Analysis.Hessian(p).At(w).Dense();
        double expected = h.Evd(Symmetricity.Symmetric).EigenValues.Min(z => z.Real);
        Assert.True(Math.Abs(jac.MinEigenvalue - expected) <= 1e-11 * Math.Max(1, h.L2Norm()), $"{jac.MinEigenvalue} vs {expected}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(50)]
    public void Bisection_finds_the_smallest_eigenvalue_of_the_discrete_Laplacian(int n)
    {
        // tridiag(−1, 2, −1) has eigenvalues 2 − 2 cos(kπ/(n + 1)); shifted by −1 so that the smallest is negative.
        var d = Enumerable.Repeat(1.0, n).ToArray();
        var e = Enumerable.Range(0, n).Select(k => k == 0 ? 0.0 : -1.0).ToArray();
        double expected = 1 - 2 * Math.Cos(Math.PI / (n + 1));
        double actual = TridiagonalJacobian.SmallestEigenvalue(d, e);
        Assert.True(Math.Abs(actual - expected) <= 1e-14, $"{actual} vs {expected}");
    }

    /// <summary>
    /// The estimate is from below, to 4ε of ‖T‖: a slightly negative eigenvalue far below ‖T‖ (the review's case) still
    /// comes out negative, so the step bound applies, and a positive definite T never comes out below its true minimum by
    /// more than the tolerance.
    /// </summary>
    [Fact]
    public void Bisection_is_a_lower_estimate_and_keeps_the_sign_of_a_tiny_negative_eigenvalue()
    {
        double[] d = [100, -1e-13], e = [0, 0];
        double min = TridiagonalJacobian.SmallestEigenvalue(d, e);
        Assert.True(min <= -1e-13 && min >= -1e-13 - 4 * 2.3e-16 * 100, $"{min}");
        double[] dp = [100, 1e-3], ep = [0, 0];
        double minp = TridiagonalJacobian.SmallestEigenvalue(dp, ep);
        Assert.True(minp <= 1e-3 && minp >= 1e-3 - 4 * 2.3e-16 * 100, $"{minp}");
    }
}
