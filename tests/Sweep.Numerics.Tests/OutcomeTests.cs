using Sweep.Numerics.Integration;
using Sweep.Numerics.Kernels;
using Sweep.Numerics.Problems;
using Sweep.Numerics.Sampling;

namespace Sweep.Numerics.Tests;

/// <summary>Outcomes and certificates (docs/math.md): what a finite run may claim, and when it stops.</summary>
public class OutcomeTests
{
    private static readonly double[] Sigmas = [3, 1.5, 0.4];

    [Fact]
    public void Plateau_starts_are_never_converged_and_never_saddle()
    {
        // H = 4, scale 0.01: a relative gradient test of 1e-6 is met on the first plateau (docs/math.md, Outcomes and certificates), yet nothing is certified.
        var p = TestProblems.Canonical(Sigmas, 4, 4, 4, 4, 4);
        foreach (var until in new[] { Until.Certified, Until.Hit, Until.Converged })
        {
            var solver = new TrajectorySolver(p, new GaussianInitializer(0.01, []), new GradientFlowSettings(60, 1e-8, 1e-10), new StopRule(1e-6, 1e-3, until));
            var results = solver.SolveMany(3, 0, 0, 8);
            Assert.Contains(results, r => r.GradientNorm <= 1e-6 * p.CyxNorm);   // the test that used to stop them
            foreach (var r in results)
            {
                Assert.Equal(SampleStatus.Horizon, r.Status);
                Assert.Equal(Outcome.Unresolved, r.Outcome);
                Assert.Equal(60, r.StopTime);
                Assert.Equal("{}", r.Label);
                Assert.Null(r.GlobalTime);
            }
        }
    }

    [Theory]
    [InlineData(Until.Certified)]
    [InlineData(Until.Hit)]
    [InlineData(Until.Converged)]
    public void Suppressed_mode_starts_are_certified_saddles(Until until)
    {
        var p = TestProblems.Canonical(Sigmas, 3, 3, 3);
        var solver = new TrajectorySolver(p, new GaussianInitializer(0.3, [1]), new GradientFlowSettings(400, 1e-8, 1e-10), new StopRule(1e-6, 1e-3, until));
        // The certificate (docs/math.md): on the manifold, once L < L′ − δ, L′ = L_{0} the manifold's second-lowest critical
        // value; no convergence needed. until = converged then runs on to the limit, L_{0,2}.
        double level = p.CriticalValues.Value(0b001) - 1e-6 * (p.CriticalValues.Value(0b001) - p.CriticalValues.Value(0b101));
        foreach (var r in solver.SolveMany(5, 0, 0, 6))
        {
            Assert.Equal(SampleStatus.Converged, r.Status);
            Assert.Equal(Outcome.Saddle, r.Outcome);
            Assert.True(r.FinalLoss < level, $"stopped at L = {r.FinalLoss}, above L′ − δ = {level}");
            Assert.True(r.FinalLoss >= p.CriticalValues.Value(0b101) - 1e-12, "the manifold's loss cannot go below its best critical value");
            if (until == Until.Converged)
            {
                Assert.Equal("{0,2}", r.Label);
                Assert.Equal(p.CriticalValues.Value(0b101), r.FinalLoss, 6);
                Assert.True(r.GradientNorm <= 1e-6 * p.CyxNorm);
            }
            Assert.Null(r.GlobalTime);
            Assert.True(r.StopTime < 400);
        }
    }

    [Fact]
    public void A_small_gradient_near_the_origin_does_not_certify_a_suppressed_start_at_its_plateau()
    {
        // H = 4, scale 0.01, mode 2 suppressed: the gradient test holds at t = 0 (label {}), but that is a plateau, not
        // the limit. Only convergence at {0,1}, the best the manifold allows, certifies the saddle; before, unresolved.
        var p = TestProblems.Canonical(Sigmas, 4, 4, 4, 4, 4);
        var solver = new TrajectorySolver(p, new GaussianInitializer(0.01, [2]), new GradientFlowSettings(60, 1e-8, 1e-10), new StopRule(1e-6, 1e-3, Until.Certified));
        var results = solver.SolveMany(3, 0, 0, 8);
        Assert.Contains(results, r => r.Label == "{}");
        foreach (var r in results)
        {
            Assert.Equal(Outcome.Unresolved, r.Outcome);
            Assert.Equal(SampleStatus.Horizon, r.Status);
            Assert.Equal(60, r.StopTime);
        }
    }

    [Fact]
    public void Suppressed_modes_give_no_certificate_where_the_manifold_is_not_exact()
    {
        // Data problems: u_i, v_i are not coordinate vectors, rounding leaves the manifold: no structural certificate.
        var p = TestProblems.Data(4, 2, 20, 4, whiten: false, 3, 3);
        Assert.Null(new GaussianInitializer(0.3, [1]).Manifold(p));
        Assert.NotNull(new GaussianInitializer(0.3, [1]).Manifold(TestProblems.Canonical(Sigmas, 3, 3, 3)));
        Assert.Null(new GaussianInitializer(0.3, []).Manifold(TestProblems.Canonical(Sigmas, 3, 3, 3)));
    }

    [Fact]
    public void A_small_deep_start_run_long_enough_ends_certified_global()
    {
        // H = 3, width 4, scale 0.01: the three samples are certified between t = 1 000 and 40 000 (asserted below). The global certificate
        // comes once mode 2 is learned enough that L < L_2 − δ.
        var p = TestProblems.Canonical(Sigmas, 4, 4, 4, 4);
        var solver = new TrajectorySolver(p, new GaussianInitializer(0.01, []), new GradientFlowSettings(40_000, 1e-8, 1e-10), new StopRule(1e-6, 1e-3, Until.Certified));
        foreach (var r in solver.SolveMany(7, 0, 0, 3))
        {
            Assert.Equal(SampleStatus.Converged, r.Status);
            Assert.Equal(Outcome.Global, r.Outcome);
            Assert.NotNull(r.GlobalTime);
            Assert.InRange(r.GlobalTime!.Value, 1000, 40_000);
            Assert.True(r.FinalLoss < p.CriticalValues.GlobalMinimum + p.CriticalValues.GlobalCertificateLevel);
            Assert.True(r.GlobalTime <= r.StopTime);
        }
    }

    /// <summary>A mixed campaign: points that end global, unresolved on a plateau, at certified saddles, by descent.</summary>
    private static IEnumerable<(string Name, LinearNetworkProblem Problem, GaussianInitializer Init, Dynamics Dynamics)> Mixed()
    {
        yield return ("h1", TestProblems.Canonical([3, 2, 1, 0.5], 4, 4), new(0.3, []), new GradientFlowSettings(1000, 1e-7, 1e-9));
        yield return ("h2-small", TestProblems.Canonical(Sigmas, 4, 4, 4), new(0.05, []), new GradientFlowSettings(150, 1e-8, 1e-10));
        yield return ("h3-plateau", TestProblems.Canonical(Sigmas, 4, 4, 4, 4), new(0.02, []), new GradientFlowSettings(40, 1e-8, 1e-10));
        yield return ("suppressed", TestProblems.Canonical(Sigmas, 4, 4, 4), new(0.3, [2]), new GradientFlowSettings(300, 1e-8, 1e-10));
        yield return ("data", TestProblems.Data(5, 3, 20, 4, whiten: false, 5, 6), new(0.2, []), new GradientFlowSettings(200, 1e-8, 1e-10));
        yield return ("gd", TestProblems.Canonical(Sigmas, 4, 4, 4), new(0.3, []), new GradientDescentSettings(0.05, 3000));
        yield return ("gd-fast", TestProblems.Canonical([3, 1], 2, 3), new(0.5, []), new GradientDescentSettings(0.3, 3000));
        yield return ("gd-suppressed", TestProblems.Canonical(Sigmas, 4, 4, 4), new(0.3, [1]), new GradientDescentSettings(0.1, 3000));
    }

    [Fact]
    public void Times_are_ordered_t_global_then_t_hit_then_t_stop()
    {
        foreach (var (name, p, init, dynamics) in Mixed())
        {
            var solver = new TrajectorySolver(p, init, dynamics, new StopRule(1e-6, 1e-3, Until.Converged));
            foreach (var r in solver.SolveMany(11, 0, 0, 12))
            {
                if (r.HitTime is { } hit)
                {
                    Assert.True(hit <= r.StopTime, $"{name} {r.Sample}: t_hit {hit} > t_stop {r.StopTime}");
                    if (dynamics is GradientFlowSettings)
                    {
                        Assert.NotNull(r.GlobalTime);   // L − L_min ≤ eps_hit < L_2 − δ − L_min: a hit is certified
                        Assert.True(r.GlobalTime <= hit, $"{name} {r.Sample}: t_global {r.GlobalTime} > t_hit {hit}");
                    }
                }
                if (r.GlobalTime is { } g) Assert.True(g <= r.StopTime, $"{name} {r.Sample}: t_global {g} > t_stop {r.StopTime}");
                if (r.Status == SampleStatus.Converged) Assert.True(r.GradientNorm <= 1e-6 * p.CyxNorm, $"{name} {r.Sample}: converged without the gradient test");
                if (r.Outcome == Outcome.Unresolved) Assert.Equal(SampleStatus.Horizon, r.Status);
            }
        }
    }

    [Fact]
    public void Outcomes_do_not_depend_on_until_and_each_until_stops_where_it_says()
    {
        var outcomes = new Dictionary<string, int>();
        foreach (var (name, p, init, dynamics) in Mixed())
        {
            var certified = new TrajectorySolver(p, init, dynamics, new StopRule(1e-6, 1e-3, Until.Certified)).SolveMany(13, 1, 0, 12);
            var hit = new TrajectorySolver(p, init, dynamics, new StopRule(1e-6, 1e-3, Until.Hit)).SolveMany(13, 1, 0, 12);
            var converged = new TrajectorySolver(p, init, dynamics, new StopRule(1e-6, 1e-3, Until.Converged)).SolveMany(13, 1, 0, 12);
            for (int i = 0; i < 12; i++)
            {
                var (c, h, v) = (certified[i], hit[i], converged[i]);
                Assert.Equal(v.Outcome, c.Outcome);
                Assert.Equal(v.Outcome, h.Outcome);
                Assert.Equal(v.GlobalTime, c.GlobalTime);
                Assert.Equal(v.GlobalTime, h.GlobalTime);
                outcomes[v.Outcome.Name()] = outcomes.GetValueOrDefault(v.Outcome.Name()) + 1;
                Assert.True(c.StopTime <= h.StopTime && c.StopTime <= v.StopTime, name);
                if (c.Outcome == Outcome.Global)
                {
                    Assert.Equal(SampleStatus.Converged, c.Status);
                    Assert.Equal(c.GlobalTime, dynamics is GradientFlowSettings ? c.GlobalTime : c.StopTime);
                    if (h.Status == SampleStatus.Converged) Assert.Equal(h.HitTime, v.HitTime);
                    if (h.Status == SampleStatus.Converged) Assert.NotNull(h.HitTime);
                }
                if (c.Outcome == Outcome.Unresolved) Assert.Equal(c with { Trace = null }, v with { Trace = null });   // both ran to the horizon
            }
        }
        // The campaign is mixed indeed.
        Assert.True(outcomes.GetValueOrDefault("global") > 0 && outcomes.GetValueOrDefault("saddle") > 0 && outcomes.GetValueOrDefault("unresolved") > 0,
            string.Join(", ", outcomes.Select(kv => $"{kv.Key} {kv.Value}")));
    }

    [Fact]
    public void A_diverged_flow_is_a_numerical_failure_and_diverged_descent_is_not()
    {
        var p = TestProblems.Canonical([3, 1], 2, 3);
        var w = new double[p.Shape.ParameterCount];
        w[0] = 1e9;
        var flow = new TrajectorySolver(p, new GaussianInitializer(0, []), new GradientFlowSettings(10, 1e-8, 1e-10), new StopRule(1e-6, 1e-3)).SolveFromWeights(w);
        Assert.Equal(SampleStatus.Diverged, flow.Status);
        Assert.Equal(Outcome.Diverged, flow.Outcome);
        Assert.True(flow.NumericalFailure);
        var gd = new TrajectorySolver(p, new GaussianInitializer(0.5, []), new GradientDescentSettings(50, 10_000), new StopRule(1e-6, 1e-3)).Solve(1, 0, 0);
        Assert.Equal(Outcome.Diverged, gd.Outcome);
        Assert.False(gd.NumericalFailure);
    }

    [Fact]
    public void The_label_probe_agrees_with_the_classifier()
    {
        foreach (var p in new[] { TestProblems.Canonical(Sigmas, 4, 4, 5, 4), TestProblems.Data(5, 3, 20, 4, whiten: false, 5, 6), TestProblems.Data(5, 3, 20, 4, whiten: true, 3, 3) })
        {
            var probe = new Analysis.LabelProbe(p);
            for (int s = 0; s < 200; s++)
            {
                var w = TestProblems.RandomWeights(p, 0.4 + 0.01 * s, s);
                Assert.Equal(Analysis.Classifier.Classify(p, w, 0).Mask, probe.Mask(new LaneWeights(w)));
            }
        }
    }
}
