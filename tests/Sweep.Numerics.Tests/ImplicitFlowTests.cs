using Sweep.Numerics.Integration;
using Sweep.Numerics.Kernels;
using Sweep.Numerics.Problems;
using Sweep.Numerics.Sampling;

namespace Sweep.Numerics.Tests;

/// <summary>
/// The L-stable Radau IIA integrator and <c>auto</c> against independent truth: closed forms of the scalar chains
/// (docs/math.md, Closed forms used as test oracles) far beyond what the explicit method reaches, Dormand–Prince where it certifies, the positive
/// controls, the step budget, and bit identity across lane widths.
/// </summary>
public class ImplicitFlowTests
{
    private static readonly double[] Sigmas = [3, 2, 1, 0.5];

    /// <summary>
    /// Balanced chain of N = 4 layers (H = 3), σ = 1: da/dt = 4 a^{3/2} (1 − a). With a = u², t(a) = ½[−1/u + artanh u]
    /// between the endpoints, so a start a0 = 2.5e-11 escapes near t = 1e5 after a plateau the explicit method could
    /// cross only in ~10^5·λ_max/3.3 steps.
    /// </summary>
    [Theory]
    [InlineData(FlowIntegrator.Radau5, RadauIIA5.DenseLimit)]
    [InlineData(FlowIntegrator.Auto, RadauIIA5.DenseLimit)]
    [InlineData(FlowIntegrator.Radau5, 0)]   // the matrix-free (Krylov) path
    [InlineData(FlowIntegrator.Auto, 0)]
    public void Deep_scalar_chain_hits_at_the_closed_form_time_after_a_plateau_of_1e5(FlowIntegrator integrator, int denseLimit)
    {
        const double a0 = 2.5e-11, eps = 1e-3;
        var p = TestProblems.Canonical([1.0], 1, 1, 1, 1);
        var settings = new GradientFlowSettings(double.PositiveInfinity, 1e-10, 1e-14, integrator, 100_000) { DenseLimit = denseLimit };
        var solver = new TrajectorySolver(p, new GaussianInitializer(0, []), settings, new StopRule(1e-12, eps, Until.Converged));
        double w = Math.Pow(a0, 0.25);
        var r = solver.SolveFromWeights([w, w, w, w]);
        static double T(double a) { double u = Math.Sqrt(a); return 0.5 * (-1 / u + Math.Atanh(u)); }
        double exact = T(1 - Math.Sqrt(2 * eps)) - T(a0);
        Assert.True(exact > 9e4, $"the oracle's plateau is {exact}");
        Assert.Equal(SampleStatus.Converged, r.Status);
        Assert.Equal(Outcome.Global, r.Outcome);
        Assert.True(Math.Abs(r.HitTime!.Value - exact) / exact < 1e-6, $"t_hit {r.HitTime} vs {exact}");
        Assert.True(r.Steps < 2_000, $"{r.Steps} steps");
        Assert.True(r.HessianEvaluations > 0);
        Assert.Equal(denseLimit == 0, r.HessianVectorProducts > 0);
    }

    /// <summary>Escape from a strict saddle (N = 2 at the origin, Hessian eigenvalue −σ) resolved by the implicit method: docs/math.md's growth time.</summary>
    [Theory]
    [InlineData(1e-9, RadauIIA5.DenseLimit)]
    [InlineData(1e-14, RadauIIA5.DenseLimit)]
    [InlineData(1e-14, 0)]   // the matrix-free path: λ_min from Lanczos bounds the step
    public void Escape_along_negative_curvature_matches_the_closed_form_growth_time(double a0, int denseLimit)
    {
        const double sigma = 2, eps = 1e-3;
        var p = TestProblems.Canonical([sigma], 1, 1);
        var settings = new GradientFlowSettings(1e6, 1e-10, 1e-16, FlowIntegrator.Radau5) { DenseLimit = denseLimit };
        var solver = new TrajectorySolver(p, new GaussianInitializer(0, []), settings, new StopRule(1e-9, eps));
        var r = solver.SolveFromWeights([Math.Sqrt(a0), Math.Sqrt(a0)]);
        double uf = sigma - Math.Sqrt(2 * eps);
        double exact = Math.Log(uf * (sigma - a0) / (a0 * (sigma - uf))) / (2 * sigma);
        Assert.Equal(SampleStatus.Converged, r.Status);
        // The escape is resolved (h·|λ_min| ≤ 1 and error control), and the crossing inside a long implicit step is read
        // from the cubic Hermite interpolant of L (slopes −‖∇L‖²): linear interpolation was off by 1e-4 here.
        Assert.True(Math.Abs(r.HitTime!.Value - exact) / exact < 1e-6, $"t_hit {r.HitTime} vs {exact}");
    }

    /// <summary>Balanced chain integrated to t = 1e6 and beyond without drifting off the minimum (loss non-increasing, invariants kept).</summary>
    [Fact]
    public void Long_runs_keep_the_minimum_and_the_invariants()
    {
        var p = TestProblems.Canonical([3, 2, 1], 3, 3, 3, 3);
        var settings = new GradientFlowSettings(1e7, 1e-8, 1e-10, FlowIntegrator.Radau5);
        var solver = new TrajectorySolver(p, new GaussianInitializer(0.3, []), settings, new StopRule(0, 1e-3, Until.Converged));
        var r = solver.Solve(11, 0, 0, trace: true);
        Assert.Equal(SampleStatus.Horizon, r.Status);
        Assert.Equal(1e7, r.StopTime);
        Assert.Equal(Outcome.Global, r.Outcome);
        Assert.True(r.FinalLoss - p.CriticalValues.GlobalMinimum < 1e-12, $"gap {r.FinalLoss}");
        Assert.True(r.InvariantDrift < 1e-5, $"drift {r.InvariantDrift}");
        var losses = r.Trace!.Select(t => t.Loss).ToArray();
        for (int i = 1; i < losses.Length; i++) Assert.True(losses[i] <= losses[i - 1] + 1e-12 * (1 + losses[i - 1]), $"loss rose at {i}");
        Assert.True(r.Steps < 5_000, $"{r.Steps} steps to t = 1e7");
    }

    /// <summary>Where Dormand–Prince certifies within its horizon, auto and radau5 certify the same samples the same way, at nearly the same time.</summary>
    [Theory]
    [InlineData(1, 0.3, 60.0, 20)]
    [InlineData(2, 0.1, 200.0, 20)]
    [InlineData(3, 0.3, 300.0, 20)]
    [InlineData(4, 1.0, 60.0, 12)]
    [InlineData(5, 1.0, 40.0, 12)]
    public void Outcomes_agree_with_dp45_where_it_certifies(int depth, double scale, double tMax, int atLeast)
    {
        var p = TestProblems.Canonical(Sigmas, 4, Enumerable.Repeat(4, depth).ToArray());
        var stop = new StopRule(1e-6, 1e-3, Until.Certified);
        var init = new GaussianInitializer(scale, []);
        var dp = new TrajectorySolver(p, init, new GradientFlowSettings(tMax, 1e-8, 1e-10), stop).SolveMany(3, 0, 0, 24);
        foreach (var kind in new[] { FlowIntegrator.Auto, FlowIntegrator.Radau5 })
        {
            var other = new TrajectorySolver(p, init, new GradientFlowSettings(tMax, 1e-8, 1e-10, kind), stop).SolveMany(3, 0, 0, 24);
            int compared = 0;
            for (int i = 0; i < dp.Length; i++)
            {
                if (dp[i].Outcome != Outcome.Global) continue;
                compared++;
                Assert.Equal(Outcome.Global, other[i].Outcome);
                double a = dp[i].GlobalTime!.Value, b = other[i].GlobalTime!.Value;
                Assert.True(Math.Abs(a - b) <= 2e-3 * a, $"{kind} sample {i}: t_global {b} vs dp45 {a}");
            }
            Assert.True(compared >= atLeast, $"only {compared} of 24 certified by dp45");
        }
    }

    [Fact]
    public void Auto_hands_stiff_trajectories_to_the_implicit_method_and_certifies_far_beyond_dp45()
    {
        // H = 4, scale 0.03: Dormand–Prince needs ~10⁶ steps per sample (docs/integrators.md, Cost: a median of 8.25·10⁵).
        var p = TestProblems.Canonical(Sigmas, 4, 4, 4, 4, 4);
        var settings = new GradientFlowSettings(double.PositiveInfinity, 1e-8, 1e-10, FlowIntegrator.Auto, 20_000);
        var results = new TrajectorySolver(p, new GaussianInitializer(0.03, []), settings, new StopRule(1e-6, 1e-3, Until.Certified)).SolveMany(7, 0, 0, 4);
        foreach (var r in results)
        {
            Assert.Equal(Outcome.Global, r.Outcome);
            Assert.Equal(SampleStatus.Converged, r.Status);
            Assert.True(r.GlobalTime > 1e4, $"t_global {r.GlobalTime}");
            Assert.True(r.Steps < 2_000, $"{r.Steps} steps");
            Assert.True(r.HessianEvaluations > 0, "never switched to the implicit method");
        }
    }

    [Theory]
    [InlineData(FlowIntegrator.Dp45)]
    [InlineData(FlowIntegrator.Auto)]
    [InlineData(FlowIntegrator.Radau5)]
    public void Every_lane_width_gives_the_same_bits(FlowIntegrator integrator)
    {
        var p = TestProblems.Canonical(Sigmas, 4, 4, 4, 4);
        var settings = new GradientFlowSettings(double.PositiveInfinity, 1e-8, 1e-10, integrator, 3_000);
        var stop = new StopRule(1e-6, 1e-3, Until.Certified);
        var analysis = new Analysis.AnalysisSettings(Itinerary: true);
        var init = new GaussianInitializer(0.1, []);
        var one = new TrajectorySolver(p, init, settings, stop, lanes: 1, analysis: analysis).SolveMany(5, 2, 10, 9);
        foreach (int lanes in new[] { 4, 8 })
        {
            var many = new TrajectorySolver(p, init, settings, stop, lanes: lanes, analysis: analysis).SolveMany(5, 2, 10, 9);
            for (int i = 0; i < one.Length; i++)
            {
                Assert.Equal(one[i] with { Itinerary = null }, many[i] with { Itinerary = null });
                Assert.Equal(one[i].Itinerary?.ToString(), many[i].Itinerary?.ToString());
                Assert.Equal(one[i].HessianEvaluations, many[i].HessianEvaluations);
            }
        }
        // And a sample solved alone equals the same sample in a batch.
        var alone = new TrajectorySolver(p, init, settings, stop, analysis: analysis).Solve(5, 2, 14);
        Assert.Equal(one[4] with { Itinerary = null }, alone with { Itinerary = null });
    }

    /// <summary>The positive control of the issue: s = (3, 1.5, 0.4), mode 1 suppressed, until converged with a gradient tolerance the explicit floor misses.</summary>
    [Theory]
    [InlineData(1, FlowIntegrator.Dp45, RadauIIA5.DenseLimit)]
    [InlineData(1, FlowIntegrator.Auto, RadauIIA5.DenseLimit)]
    [InlineData(2, FlowIntegrator.Auto, RadauIIA5.DenseLimit)]
    [InlineData(2, FlowIntegrator.Radau5, RadauIIA5.DenseLimit)]
    [InlineData(2, FlowIntegrator.Radau5, 0)]   // the matrix-free path keeps the manifold's zeros exactly too
    public void Suppressed_mode_starts_are_all_certified_saddles(int depth, FlowIntegrator integrator, int denseLimit)
    {
        var p = TestProblems.Canonical([3, 1.5, 0.4], 4, Enumerable.Repeat(4, depth).ToArray());
        var settings = new GradientFlowSettings(1000, 1e-9, 1e-12, integrator) { DenseLimit = denseLimit };
        var results = new TrajectorySolver(p, new GaussianInitializer(0.3, [1]), settings, new StopRule(1e-9, 1e-3, Until.Converged)).SolveMany(9, 0, 0, 24);
        foreach (var r in results)
        {
            Assert.Equal(Outcome.Saddle, r.Outcome);
            Assert.Equal(p.CriticalValues.Value(0b101), r.FinalLoss, 9);
        }
    }

    [Fact]
    public void Without_a_horizon_the_step_budget_stops_uncertified_samples()
    {
        var p = TestProblems.Canonical(Sigmas, 4, 4, 4, 4, 4);
        var settings = new GradientFlowSettings(double.PositiveInfinity, 1e-8, 1e-10, FlowIntegrator.Dp45, 50);
        var r = new TrajectorySolver(p, new GaussianInitializer(0.01, []), settings, new StopRule(1e-6, 1e-3, Until.Certified)).Solve(1, 0, 0);
        Assert.Equal(SampleStatus.Budget, r.Status);
        Assert.Equal(Outcome.Unresolved, r.Outcome);
        Assert.Equal(50, r.Steps);
        Assert.True(double.IsFinite(r.StopTime) && r.StopTime > 0);
    }

    [Theory]
    [InlineData(81, 3)]
    [InlineData(2.5e-300, 7)]
    [InlineData(1e-8, 3)]
    [InlineData(20, 9)]
    [InlineData(3e-310, 4)]
    public void Ieee_root_is_within_a_few_ulp_of_pow(double x, int k)
    {
        // Math.Pow(x, 1.0/k) is no reference: 1.0/k is rounded, which moves x^{1/k} by |ln x|·2⁻⁵³ relative. Check y^k = x
        // in double-double arithmetic instead (exact products by fused multiply-add): a relative error ε in y is kε in y^k.
        double root = IeeeMath.Root(x, k);
        int shift = (int)Math.Floor(Math.Log2(root));
        double y = Math.ScaleB(root, -shift), hi = 1, lo = 0;
        for (int i = 0; i < k; i++)
        {
            double h = hi * y;
            lo = Math.FusedMultiplyAdd(hi, y, -h) + lo * y;
            hi = h;
        }
        double back = Math.ScaleB(hi + lo, shift * k);
        Assert.True(Math.Abs(back - x) <= 4 * k * 1.2e-16 * x, $"root {root}: root^{k} = {back} vs {x}");
    }
}
