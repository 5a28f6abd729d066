using Sweep.Numerics.Analysis;
using Sweep.Numerics.Integration;
using Sweep.Numerics.Kernels;
using Sweep.Numerics.Problems;
using Sweep.Numerics.Sampling;
using Xunit.Abstractions;

namespace Sweep.Numerics.Tests;

public class HessianTests(ITestOutputHelper output)
{
    private static readonly double[] S = [3, 1.5, 0.4];

    public static TheoryData<int, bool> Shapes() => new() { { 1, false }, { 2, false }, { 3, false }, { 1, true }, { 2, true }, { 3, true } };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Hessian_vector_products_match_central_differences_of_the_exact_gradient(int depth, bool data)
    {
        int[] hidden = Enumerable.Range(0, depth).Select(i => 3 + (i * 2) % 4).ToArray();
        var problem = data ? TestProblems.Data(5, 3, 12, 40 + depth, whiten: false, hidden) : TestProblems.Canonical([2.5, 1.2, 0.3], 4, hidden);
        var w = TestProblems.RandomWeights(problem, 0.7, depth);
        var v = TestProblems.RandomWeights(problem, 1, 100 + depth);
        var hv = new double[w.Length];
        new Hessian(problem).At(w).Multiply(v, hv);

        var lg = new LossGradient(problem);
        var gp = new double[w.Length];
        var gm = new double[w.Length];
        const double h = 1e-5;
        lg.Evaluate(w.Select((x, k) => x + h * v[k]).ToArray(), gp);
        lg.Evaluate(w.Select((x, k) => x - h * v[k]).ToArray(), gm);
        double err = 0;
        for (int k = 0; k < w.Length; k++) err = Math.Max(err, Math.Abs((gp[k] - gm[k]) / (2 * h) - hv[k]));
        Assert.True(err / Dense.Norm(hv) < 1e-7, $"relative error {err / Dense.Norm(hv):E2}");
    }

    [Fact]
    public void Products_are_symmetric_before_symmetrisation()
    {
        var problem = TestProblems.Data(5, 3, 12, 7, whiten: false, 4, 5, 3);
        var op = new Hessian(problem).At(TestProblems.RandomWeights(problem, 0.6, 1));
        var u = TestProblems.RandomWeights(problem, 1, 2);
        var v = TestProblems.RandomWeights(problem, 1, 3);
        var hu = new double[u.Length];
        var hv = new double[u.Length];
        op.Multiply(u, hu);
        op.Multiply(v, hv);
        double uhv = u.Zip(hv, (a, b) => a * b).Sum(), vhu = v.Zip(hu, (a, b) => a * b).Sum();
        Assert.True(Math.Abs(uhv - vhu) <= 1e-12 * Math.Abs(uhv), $"{uhv} vs {vhu}");
    }

    [Theory]
    [InlineData(2, 18)]
    [InlineData(3, 27)]
    public void Square_networks_at_a_global_minimum_have_nullity_sum_of_hidden_widths_squared(int depth, int nullity)
    {
        var p = TestProblems.Canonical(S, 3, Enumerable.Repeat(3, depth).ToArray());
        var w = CriticalPointTests.CriticalPoint(p, p.CriticalValues.GlobalMask, seed: 11);
        var spec = Spectrum(p, w);
        output.WriteLine($"{spec}");
        Assert.Equal(nullity, spec.Null);
        Assert.Equal(0, spec.Negative);
        Assert.True(Math.Abs(spec.Min) <= 1e-10 * spec.Max, $"λ_min {spec.Min}");
        Assert.False(spec.Strict);
    }

    [Fact]
    public void The_single_hidden_layer_saddle_missing_mode_1_is_strict_with_two_negative_eigenvalues()
    {
        var p = TestProblems.Canonical(S, 3, 3);
        var w = CriticalPointTests.CriticalPoint(p, 0b101, seed: 5);
        var spec = Spectrum(p, w);
        output.WriteLine($"{spec}");
        Assert.True(spec.Strict);
        Assert.Equal(2, spec.Negative);
        Assert.Equal(-1.5, spec.Min, 10);
    }

    [Fact]
    public void The_depth_two_saddle_missing_mode_1_reached_by_the_flow_is_strict()
    {
        var p = TestProblems.Canonical(S, 3, 3, 3);
        var solver = new TrajectorySolver(p, new GaussianInitializer(0.3, [1]), new GradientFlowSettings(400, 1e-10, 1e-12), new StopRule(1e-9, 1e-3, Until.Converged));
        for (int s = 0; s < 3; s++)
        {
            var r = solver.Solve(1, 0, s);
            Assert.Equal(Outcome.Saddle, r.Outcome);
            Assert.Equal("{0,2}", r.Label);
            var spec = Spectrum(p, solver.FinalWeights.ToArray());
            output.WriteLine($"sample {s}: {spec}");
            Assert.True(spec.Strict, $"{spec}");
            // λ_min depends on the start (the saddles form a manifold), but stays of the order of s_1 = 1.5.
            Assert.InRange(spec.Min, -1.5, -0.3);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void The_Hessian_at_the_origin_vanishes_for_two_or_more_hidden_layers(int depth)
    {
        var p = TestProblems.Canonical(S, 4, Enumerable.Repeat(4, depth).ToArray());
        var spec = Spectrum(p, p.NewParameters());
        Assert.Equal(0, spec.Min);
        Assert.Equal(0, spec.Max);
        Assert.Equal(p.Shape.ParameterCount, spec.Null);
        Assert.False(spec.Strict);
    }

    [Fact]
    public void The_origin_of_a_single_hidden_layer_is_a_strict_saddle()
    {
        // H = 1: the Hessian at W = 0 is [[0, −Σ], [−Σᵀ, 0]]-like: eigenvalues ±s_i, so λ_min = −s_1.
        var p = TestProblems.Canonical(S, 3, 3);
        var spec = Spectrum(p, p.NewParameters());
        Assert.Equal(-3, spec.Min, 12);
        Assert.True(spec.Strict);
    }

    [Theory]
    [InlineData(0b001)]
    [InlineData(0b011)]
    [InlineData(0b111)]
    public void Lanczos_agrees_with_the_dense_eigensolver_on_a_mid_size_network(int mask)
    {
        // 4·6 + 6·6 + 6·6 + 6·3 = 114 parameters; saddles of depth 3 built along the singular directions.
        var p = TestProblems.Data(4, 3, 15, 9, whiten: false, 6, 6, 6);
        var w = CriticalPointTests.CriticalPoint(p, mask, seed: 3);
        // Off the critical point a little, so the spectrum has no exact multiplicities to hide behind.
        var noise = TestProblems.RandomWeights(p, 0.05, 8);
        for (int k = 0; k < w.Length; k++) w[k] += noise[k];
        var op = new Hessian(p).At(w);
        double tau = HessianSpectrum.ToleranceFor(p);
        var dense = HessianSpectrum.Of(op, tau);
        var lanczos = HessianSpectrum.Of(op, tau, denseLimit: 0);
        output.WriteLine($"dense {dense}\nlanczos {lanczos}");
        Assert.True(dense.Dense);
        Assert.False(lanczos.Dense);
        Assert.Null(lanczos.Null);
        Assert.Equal(dense.Negative, lanczos.Negative);
        Assert.Equal(dense.Min, lanczos.Min, 1e-8 * dense.Max);
        Assert.Equal(dense.Max, lanczos.Max, 1e-8 * dense.Max);
    }

    [Fact]
    public void Lanczos_counts_repeated_negative_eigenvalues()
    {
        // diag(−2, −2, −2, −1, 0 …, 5): a Krylov space sees the −2 eigenspace once; deflation must count it three times.
        int n = 40;
        var d = new double[n];
        d[0] = d[1] = d[2] = -2; d[3] = -1; d[^1] = 5;
        var r = Lanczos.Extremes(n, (x, y) => { for (int i = 0; i < n; i++) y[i] = d[i] * x[i]; }, 0.5);
        Assert.Equal(4, r.BelowThreshold);
        Assert.Equal(-2, r.Min, 10);
        Assert.Equal(5, r.Max, 10);
    }

    [Theory]
    [InlineData(HessianScope.None)]
    [InlineData(HessianScope.Uncertified)]
    [InlineData(HessianScope.All)]
    public void The_solver_analyses_the_samples_the_scope_names(HessianScope scope)
    {
        // H = 3 at scale 0.01 and t_max 30: every sample is unresolved near the origin; H = 1 certifies every sample.
        foreach (var (p, expectUnresolved) in new[] { (TestProblems.Canonical(S, 3, 3, 3, 3), true), (TestProblems.Canonical(S, 3, 3), false) })
        {
            var solver = new TrajectorySolver(p, new GaussianInitializer(0.01, []), new GradientFlowSettings(30, 1e-8, 1e-10), new StopRule(1e-6, 1e-3),
                analysis: new AnalysisSettings(scope));
            foreach (var r in solver.SolveMany(2, 0, 0, 6))
            {
                Assert.Equal(expectUnresolved ? Outcome.Unresolved : Outcome.Global, r.Outcome);
                bool analysed = scope == HessianScope.All || (scope == HessianScope.Uncertified && r.Outcome == Outcome.Unresolved);
                Assert.Equal(analysed, r.Hessian is not null);
                if (r.Hessian is { } h && expectUnresolved) Assert.False(h.Strict, $"{h}");   // near the origin of depth 3
            }
        }
    }

    private static HessianSpectrum Spectrum(LinearNetworkProblem p, double[] w) =>
        HessianSpectrum.Of(new Hessian(p).At(w), HessianSpectrum.ToleranceFor(p));
}
