using Sweep.Numerics.Analysis;
using Sweep.Numerics.Integration;
using Sweep.Numerics.Problems;
using Sweep.Numerics.Sampling;
using Xunit.Abstractions;

namespace Sweep.Numerics.Tests;

/// <summary>
/// Proposition 4 at the critical point: with <c>analysis.hessian = all</c> a certified sample runs on until the gradient
/// test holds and its Hessian is read there (hessian_at = limit); an unresolved one is read at its stop state
/// (hessian_at = stop). Checked through the solver against the oracles of the critical points themselves.
/// </summary>
public class HessianAtLimitTests(ITestOutputHelper output)
{
    private static readonly double[] S = [3, 1.5, 0.4];
    private static readonly AnalysisSettings All = new(HessianScope.All);

    [Fact]
    public void Converged_global_samples_of_a_square_network_show_the_minimum_nullity_at_the_limit()
    {
        // d = 3, H = 2: at a global minimum λ_min = 0 and the nullity is Σ d_i² = 18 (HessianTests at the exact point).
        var p = TestProblems.Canonical(S, 3, 3, 3);
        foreach (var dynamics in new Dynamics[] { new GradientFlowSettings(400, 1e-9, 1e-11), new GradientDescentSettings(0.05, 20_000) })
        {
            // The default until = hit would stop at L − L_min ≤ 1e-3; the Hessian analysis runs certified samples on.
            var solver = new TrajectorySolver(p, new GaussianInitializer(0.3, []), dynamics, new StopRule(1e-6, 1e-3), analysis: All);
            foreach (var r in solver.SolveMany(4, 0, 0, 4))
            {
                output.WriteLine($"{dynamics.GetType().Name} {r.Sample}: {r.Outcome} {r.Status} {r.HessianAt} {r.Hessian}");
                Assert.Equal(Outcome.Global, r.Outcome);
                Assert.Equal(SampleStatus.Converged, r.Status);
                Assert.True(r.GradientNorm <= 1e-6 * p.CyxNorm);
                Assert.Equal("limit", r.HessianAt);
                Assert.False(r.Hessian!.Strict);
                Assert.Equal(18, r.Hessian.Null);
                Assert.True(Math.Abs(r.Hessian.Min) <= r.Hessian.Tolerance);
            }
        }
    }

    [Fact]
    public void Suppressed_mode_starts_converge_to_strict_saddles_read_at_the_limit()
    {
        // Positive controls: mode 1 suppressed, the flow converges to the saddle {0,2}. H = 1: λ_min = −1.5 with two
        // negative eigenvalues at the balanced saddle (−1.498 at the slightly imbalanced ones these starts reach);
        // H = 2: strict, λ_min of the order of mode 1's singular value 1.5, depending on the start (the saddles form a manifold: −0.87,
        // −0.82, −1.12 for these three; two negative eigenvalues each).
        foreach (var (hidden, lo, hi, negative) in new[] { (new[] { 3 }, -1.55, -1.45, (int?)2), (new[] { 3, 3 }, -1.5, -0.5, null) })
        {
            var p = TestProblems.Canonical(S, 3, hidden);
            var solver = new TrajectorySolver(p, new GaussianInitializer(0.3, [1]), new GradientFlowSettings(400, 1e-10, 1e-12), new StopRule(1e-9, 1e-3), analysis: All);
            foreach (var r in solver.SolveMany(5, 0, 0, 3))
            {
                output.WriteLine($"H = {hidden.Length} {r.Sample}: {r.Outcome} {r.Status} {r.HessianAt} {r.Hessian}");
                Assert.Equal(Outcome.Saddle, r.Outcome);
                Assert.Equal("{0,2}", r.Label);
                Assert.Equal("limit", r.HessianAt);
                Assert.True(r.Hessian!.Strict);
                if (negative is { } count) Assert.Equal(count, r.Hessian.Negative);
                Assert.InRange(r.Hessian.Min, lo, hi);
            }
        }
    }

    [Fact]
    public void Unresolved_samples_keep_the_stop_state_analysis_named_as_such()
    {
        // H = 3 from scale 0.01 with t_max 30: every sample is still near the origin (non-strict there); and W = 0 itself,
        // a critical point the flow never leaves but cannot certify, has the zero Hessian at its stop.
        var p = TestProblems.Canonical(S, 3, 3, 3, 3);
        var solver = new TrajectorySolver(p, new GaussianInitializer(0.01, []), new GradientFlowSettings(30, 1e-8, 1e-10), new StopRule(1e-6, 1e-3), analysis: All);
        foreach (var r in solver.SolveMany(2, 0, 0, 4))
        {
            Assert.Equal(Outcome.Unresolved, r.Outcome);
            Assert.Equal("stop", r.HessianAt);
            Assert.False(r.Hessian!.Strict);
        }
        var origin = solver.SolveFromWeights(p.NewParameters());
        Assert.Equal(Outcome.Unresolved, origin.Outcome);
        Assert.Equal("stop", origin.HessianAt);
        Assert.Equal(0, origin.Hessian!.Min);
        Assert.Equal(0, origin.Hessian.Max);
        Assert.Equal(p.Shape.ParameterCount, origin.Hessian.Null);
        // Without the analysis the column stays empty, and the until rule is the campaign's own.
        var plain = new TrajectorySolver(p, new GaussianInitializer(0.01, []), new GradientFlowSettings(30, 1e-8, 1e-10), new StopRule(1e-6, 1e-3)).Solve(2, 0, 0);
        Assert.Equal("", plain.HessianAt);
    }

    [Fact]
    public void A_certified_sample_stopped_by_its_horizon_before_converging_is_read_at_the_stop()
    {
        // Certified global early (H = 1, small start) but t_max far too short for the gradient test: the stop is no limit.
        var p = TestProblems.Canonical(S, 3, 3);
        var solver = new TrajectorySolver(p, new GaussianInitializer(0.3, []), new GradientFlowSettings(3, 1e-8, 1e-10), new StopRule(1e-9, 1e-3), analysis: All);
        var certifiedEarly = solver.SolveMany(3, 0, 0, 6).Where(r => r.Outcome == Outcome.Global).ToList();
        Assert.NotEmpty(certifiedEarly);
        Assert.All(certifiedEarly, r =>
        {
            Assert.Equal(SampleStatus.Horizon, r.Status);
            Assert.Equal("stop", r.HessianAt);
        });
    }
}
