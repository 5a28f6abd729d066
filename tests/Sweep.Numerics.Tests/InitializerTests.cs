using Sweep.Numerics.Analysis;
using Sweep.Numerics.Problems;
using Sweep.Numerics.Sampling;

namespace Sweep.Numerics.Tests;

public class InitializerTests
{
    private static readonly double[] S = [3, 1.5, 0.4];

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Balanced_starts_have_zero_invariants_and_every_layer_the_same_singular_values(int depth)
    {
        var p = TestProblems.Canonical(S, 5, Enumerable.Range(0, depth).Select(i => 3 + i).ToArray());
        var w = p.NewParameters();
        new BalancedInitializer(0.2, []).Draw(p, 4, 1, 9, w);
        var d = Invariants.Compute(p.Shape, w);
        Assert.True(d.Max(Math.Abs) <= 1e-15, $"largest |D_i| entry {d.Max(Math.Abs):E2}");
        // Each layer's non-zero singular values are scale·|g_k|: the same multiset for every layer, rank d_y.
        double[]? first = null;
        for (int l = 1; l <= p.Shape.Layers; l++)
        {
            var m = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(p.Shape.Dim(l), p.Shape.Dim(l - 1), (i, j) => w[p.Shape.Offset(l) + i * p.Shape.Dim(l - 1) + j]);
            var sv = m.Svd(false).S.Take(3).OrderBy(x => x).ToArray();
            Assert.True(m.Svd(false).S.Skip(3).All(x => x < 1e-14), "rank d_y");
            if (first is null) first = sv;
            else for (int k = 0; k < 3; k++) Assert.Equal(first[k], sv[k], 12);
        }
    }

    [Fact]
    public void Gaussian_starts_are_not_balanced_but_balanced_ones_stay_balanced_along_the_flow()
    {
        var p = TestProblems.Canonical(S, 4, 4, 4);
        var w = p.NewParameters();
        new GaussianInitializer(0.2, []).Draw(p, 4, 1, 9, w);
        Assert.True(Invariants.Compute(p.Shape, w).Max(Math.Abs) > 1e-3);
        var solver = new TrajectorySolver(p, new BalancedInitializer(0.2, []), new Integration.GradientFlowSettings(50, 1e-9, 1e-12), new Integration.StopRule(1e-6, 1e-3));
        solver.Solve(4, 1, 9);
        Assert.True(Invariants.Compute(p.Shape, solver.FinalWeights).Max(Math.Abs) < 1e-7);
    }

    [Theory]
    [InlineData(3, 5)]
    [InlineData(5, 3)]
    [InlineData(4, 4)]
    public void Orthogonal_layers_are_scaled_semi_orthogonal(int rows, int cols)
    {
        var p = TestProblems.Canonical([2, 1], cols, rows);
        var w = p.NewParameters();
        new OrthogonalInitializer(0.3, []).Draw(p, 1, 0, 3, w);
        var m = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(rows, cols, (i, j) => w[i * cols + j]) / 0.3;
        var gram = rows <= cols ? m * m.Transpose() : m.Transpose() * m;
        var identity = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseIdentity(Math.Min(rows, cols));
        Assert.True((gram - identity).FrobeniusNorm() < 1e-14, $"{(gram - identity).FrobeniusNorm():E2}");
    }

    [Fact]
    public void Haar_frames_are_uniform_a_first_entry_has_the_projected_sphere_variance()
    {
        // For a Haar n×n orthogonal matrix every entry has mean 0 and variance 1/n; a sign bias or a non-uniform frame
        // (e.g. Gram–Schmidt of non-Gaussian vectors) would show here. 4000 draws: standard error of the variance ≈ 0.004.
        int n = 4, draws = 4000;
        double sum = 0, sumSq = 0;
        var m = new double[n * n];
        for (int s = 0; s < draws; s++)
        {
            HaarFrame.Draw(new SampleStream(2, 0, s), m, n, n);
            sum += m[n + 2];
            sumSq += m[n + 2] * m[n + 2];
        }
        Assert.InRange(sum / draws, -0.03, 0.03);
        Assert.InRange(sumSq / draws, 0.25 - 0.02, 0.25 + 0.02);
    }

    [Fact]
    public void Layer_scales_scale_each_layer_and_draws_are_reproducible()
    {
        var p = TestProblems.Canonical(S, 4, 4, 4);
        var plain = p.NewParameters();
        var scaled = p.NewParameters();
        new GaussianInitializer(0.1, []).Draw(p, 3, 2, 1, plain);
        new GaussianInitializer(0.1, [], [1, 2, 0.5]).Draw(p, 3, 2, 1, scaled);
        double[] factors = [1, 2, 0.5];
        for (int l = 1; l <= 3; l++)
            for (int k = p.Shape.Offset(l); k < p.Shape.Offset(l) + p.Shape.Size(l); k++) Assert.Equal(plain[k] * factors[l - 1], scaled[k], 15);
        foreach (Initializer init in new Initializer[] { new OrthogonalInitializer(0.1, [1]), new BalancedInitializer(0.1, []) })
        {
            var a = p.NewParameters();
            var b = p.NewParameters();
            init.Draw(p, 3, 2, 1, a);
            init.Draw(p, 3, 2, 1, b);
            Assert.Equal(a, b);
            init.Draw(p, 3, 2, 2, b);
            Assert.NotEqual(a, b);
        }
    }
}
