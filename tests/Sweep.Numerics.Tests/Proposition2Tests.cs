using Sweep.Numerics.Analysis;
using Sweep.Numerics.Integration;
using Sweep.Numerics.Problems;
using Sweep.Numerics.Sampling;

namespace Sweep.Numerics.Tests;

/// <summary>
/// Proposition 2 (docs/tail-rate.md): on a pyramidal network the flow's loss gap obeys d/dt ln(L − L_min) ≤ −ρ with ρ
/// read from the invariants at t = 0, so the measured tail rate is ≥ ρ and the whole trajectory lies under
/// (L(0) − L_min) e^{−ρt}; a scalar case where the bound is close to tight; a saddle the weaker "d_y positive
/// eigenvalues everywhere" reading would wrongly cover.
/// </summary>
public class Proposition2Tests
{
    private static readonly StopRule Converged = new(1e-6, 1e-3, Until.Converged);
    private static readonly AnalysisSettings Prop2 = new(TailRate: true, Prop2: true);

    private static TrajectorySolver Flow(LinearNetworkProblem p, Initializer init, double tMax, AnalysisSettings? analysis = null) =>
        new(p, init, new GradientFlowSettings(tMax, 1e-10, 1e-12), Converged, analysis: analysis ?? Prop2);

    [Theory]
    [InlineData(2.0, 0.02, 1.0)]    // D = 4 − 4e-4: measured 2√(D² + 4σ²) ≈ 1.118 ρ
    [InlineData(5.0, 0.01, 1.0)]    // D ≈ 25: measured ≈ 1.003 ρ, the bound is nearly tight
    public void Scalar_single_hidden_layer_bound_is_below_the_exact_rate_and_close_to_it(double w2, double w1, double sigma)
    {
        // d_x = d_1 = d_y = 1: a = w2 w1, da/dt = −(w1² + w2²)(a − σ), and w2² − w1² = D is conserved, so w1² + w2² =
        // √(D² + 4a²) → √(D² + 4σ²) at the minimum: the gap ½(a − σ)² decays at 2√(D² + 4σ²) ≥ 2D = ρ (equality as σ/D → 0).
        var p = TestProblems.Canonical([sigma], 1, 1);
        var r = Flow(p, new GaussianInitializer(0, []), 200).SolveFromWeights([w1, w2]);
        double d = w2 * w2 - w1 * w1, exact = 2 * Math.Sqrt(d * d + 4 * sigma * sigma);
        Assert.Equal(SampleStatus.Converged, r.Status);
        Assert.Equal(Outcome.Global, r.Outcome);
        Assert.True(Math.Abs(r.Prop2Rate!.Value / (2 * d) - 1) < 1e-12, $"ρ {r.Prop2Rate} vs 2D = {2 * d}");
        Assert.True(Math.Abs(r.TailRate!.Value / exact - 1) < 0.01, $"measured {r.TailRate} vs exact {exact}");
        Assert.True(r.TailRate >= r.Prop2Rate, $"measured {r.TailRate} below the guaranteed {r.Prop2Rate}");
    }

    [Fact]
    public void Scalar_start_with_the_wrong_imbalance_has_no_guarantee()
    {
        // D = w2² − w1² < 0: the hypothesis fails (ρ = 0), though this start converges too.
        var r = Flow(TestProblems.Canonical([1.0], 1, 1), new GaussianInitializer(0, []), 200).SolveFromWeights([2.0, 0.02]);
        Assert.Equal(0, r.Prop2Rate);
        Assert.Equal(Outcome.Global, r.Outcome);
    }

    [Fact]
    public void Each_D_j_needs_d_j_plus_1_positive_eigenvalues_not_d_y()
    {
        // H = 2, widths 2 ≥ 2 ≥ d_y = 1. W_1 = 0, W_2 = diag(0, b), W_3 = (a, 0): W_3 W_2 = 0, so every gradient vanishes
        // (a saddle, L = ½σ² > L_min = 0). D_2 = diag(a², −b²) and D_1 = diag(0, b²) each have d_y = 1 positive
        // eigenvalue, so a bound that asked only that of every D_i would promise a rate; D_1 has not d_2 = 2 of them: ρ = 0.
        const double a = 1.5, b = 0.8, sigma = 1;
        var p = TestProblems.Canonical([sigma], 2, 2, 2);
        double[] w = [0, 0, 0, 0, /* W_2 */ 0, 0, 0, b, /* W_3 */ a, 0];
        var d = Invariants.Compute(p.Shape, w);
        var d1 = Invariants.Descending(d.AsSpan(0, 4), 2);
        var d2 = Invariants.Descending(d.AsSpan(4, 4), 2);
        Assert.Equal([b * b, 0], d1, (x, y) => Math.Abs(x - y) < 1e-15);
        Assert.Equal([a * a, -b * b], d2, (x, y) => Math.Abs(x - y) < 1e-15);
        Assert.Equal(0, Proposition2.Rate(p.Shape, d, 1));
        var r = Flow(p, new GaussianInitializer(0, []), 10).SolveFromWeights(w);
        Assert.Equal(0, r.Prop2Rate);
        Assert.Equal(0.5 * sigma * sigma, r.FinalLoss, 12);   // it never moves: no exponential rate at all
        Assert.NotEqual(Outcome.Global, r.Outcome);
    }

    [Fact]
    public void Pyramidal_orthogonal_starts_meet_the_guarantee_along_the_whole_trajectory()
    {
        // Widths d_x = 6 ≥ 6 ≥ 4 ≥ d_y = 3, W_i = c_i Q_i with Haar frames and c increasing: D_i = c_{i+1}² Q_{i+1}ᵀQ_{i+1} − c_i² I,
        // so ρ = 2 (c_2² − c_1²)(c_3² − c_2²) for every sample (the family of examples/prop2.json). Each sample is certified
        // global, its traced gap stays under (L(0) − L_min) e^{−ρt} (Gronwall), and its tail rate is ≥ ρ.
        double[] c = [0.3, 1, 1.5];
        double rho = 2 * (c[1] * c[1] - c[0] * c[0]) * (c[2] * c[2] - c[1] * c[1]);
        var rates = MeetsTheGuarantee(TestProblems.Canonical([3, 2, 1], 6, 6, 4), new OrthogonalInitializer(1, [], c));
        Assert.All(rates, r => Assert.True(Math.Abs(r / rho - 1) < 1e-12, $"ρ {r} vs {rho}"));
    }

    [Fact]
    public void Unwhitened_data_scale_the_guarantee_by_the_smallest_covariance_eigenvalue()
    {
        // Cxx ≠ I: ||A_1ᵀ E||² ≥ λ_{d_y}(A_1 A_1ᵀ) λ_min(Cxx) · 2(L − L_min), so ρ carries λ_min(Cxx) (here < 1). d_1 = 5 > d_x = 3:
        // Q_1 Q_1ᵀ is a projection and D_1's d_2-th eigenvalue is at least c_2² − c_1².
        var p = TestProblems.Data(3, 2, 20, 4, whiten: false, 5, 3);
        double cxxMin = Proposition2.CovarianceMin(p);
        Assert.InRange(cxxMin, 1e-3, Invariants.Descending(p.Cxx, 3)[0] * 0.999);
        double[] c = [0.3, 1, 1.5];
        double rho = 2 * cxxMin * (c[1] * c[1] - c[0] * c[0]) * (c[2] * c[2] - c[1] * c[1]);
        var rates = MeetsTheGuarantee(p, new OrthogonalInitializer(1, [], c));
        Assert.All(rates, r => Assert.True(r >= rho * (1 - 1e-12), $"ρ {r} below {rho}"));
    }

    [Fact]
    public void Gaussian_layer_scales_miss_the_hypotheses_with_positive_probability()
    {
        // The same widths with Gaussian layers of growing scale: the d_{j+1}-th eigenvalue of D_j is positive only with some
        // probability (a small singular value of W_{j+1} is likely enough), so some samples get ρ = 0 — recorded, not assumed.
        var p = TestProblems.Canonical([3, 2, 1], 3, 6, 4);
        var results = Flow(p, new GaussianInitializer(1, [], [0.1, 1, 2.5]), 1e3).SolveMany(5, 0, 0, 8);
        Assert.Contains(results, r => r.Prop2Rate == 0);
        Assert.Contains(results, r => r.Prop2Rate > 0);
        Assert.All(results, r => Assert.True(r.TailRate >= r.Prop2Rate, $"sample {r.Sample}: {r.TailRate} < {r.Prop2Rate}"));
    }

    /// <summary>Solves 8 samples; asserts the proposition on each (ρ > 0, global, Gronwall on the trace, tail rate ≥ ρ); returns their ρ.</summary>
    private static double[] MeetsTheGuarantee(LinearNetworkProblem p, Initializer init)
    {
        var solver = Flow(p, init, 1e3);
        var results = solver.SolveMany(5, 0, 0, 8, traceBelow: 8);
        double lmin = p.CriticalValues.GlobalMinimum;
        foreach (var r in results)
        {
            Assert.True(r.Prop2Rate > 0, $"sample {r.Sample}: ρ = {r.Prop2Rate}");
            Assert.Equal(Outcome.Global, r.Outcome);
            Assert.True(r.TailRate >= r.Prop2Rate, $"sample {r.Sample}: measured {r.TailRate} below ρ = {r.Prop2Rate}");
            var trace = r.Trace!;
            double gap0 = trace[0].Loss - lmin, rho = r.Prop2Rate!.Value;
            foreach (var t in trace)
            {
                double bound = gap0 * Math.Exp(-rho * t.Time);
                Assert.True(t.Loss - lmin <= bound * (1 + 1e-6) + 1e-9 * gap0, $"sample {r.Sample} t = {t.Time}: gap {t.Loss - lmin} above {bound}");
            }
        }
        return results.Select(r => r.Prop2Rate!.Value).ToArray();
    }

    [Fact]
    public void Empty_unless_asked_for_a_pyramidal_flow()
    {
        var pyramid = TestProblems.Canonical([1.0], 1, 1);
        Assert.Null(Flow(pyramid, new GaussianInitializer(0, []), 50, new AnalysisSettings(TailRate: true)).SolveFromWeights([0.1, 1]).Prop2Rate);
        var descent = new TrajectorySolver(pyramid, new GaussianInitializer(0, []), new GradientDescentSettings(0.05, 1000), Converged, analysis: Prop2);
        Assert.Null(descent.SolveFromWeights([0.1, 1]).Prop2Rate);
        // d_1 = 2 < d_2 = 3: not pyramidal.
        Assert.False(Proposition2.IsPyramidal(TestProblems.Canonical([1.0], 1, 2, 3).Shape));
        Assert.Null(Flow(TestProblems.Canonical([1.0], 1, 2, 3), new GaussianInitializer(0.3, []), 50).Solve(1, 0, 0).Prop2Rate);
        Assert.True(Proposition2.IsPyramidal(TestProblems.Canonical([1.0, 0.5], 9, 4, 4, 2).Shape));
    }
}
