using Sweep.Numerics.Problems;
using Sweep.Numerics.Integration;
using Sweep.Numerics.Sampling;
using Sweep.Numerics;

namespace Sweep.Numerics.Tests;

public class ControlTests
{
    // until = converged: these tests follow the flow to its limit on the manifold (the saddle certificate alone would
    // stop it as soon as L < L′ − δ, before it has arrived).
    private static readonly StopRule Stop = new(1e-7, 1e-3, Until.Converged);

    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    public void Suppressed_mode_starts_converge_to_the_predicted_saddle(int depth, int suppressed)
    {
        var p = TestProblems.Canonical([3, 1.5, 0.6], 4, Enumerable.Repeat(4, depth).ToArray());
        var solver = new TrajectorySolver(p, new GaussianInitializer(0.3, [suppressed]), new GradientFlowSettings(400, 1e-8, 1e-10), Stop);
        int expected = 0b111 & ~(1 << suppressed);
        for (int s = 0; s < 5; s++)
        {
            var r = solver.Solve(5, 0, s);
            Assert.Equal(SampleStatus.Converged, r.Status);
            Assert.Equal(CriticalValues.Label(expected), r.Label);
            Assert.Equal(p.CriticalValues.Value(expected), r.FinalLoss, 6);
            Assert.Null(r.HitTime);   // a saddle is never within eps_hit of the minimum here
        }
    }

    [Fact]
    public void Suppressed_rows_and_columns_stay_exactly_zero_along_the_flow()
    {
        // In the canonical basis the invariant manifold is exact in floating point too (products with exact zeros);
        // in a rotated basis rounding would feed the unstable direction, which is why suppress_modes is canonical-only.
        var p = TestProblems.Canonical([3, 1.5, 0.6], 4, 4, 4);
        var solver = new TrajectorySolver(p, new GaussianInitializer(0.3, [0]), new GradientFlowSettings(400, 1e-8, 1e-10), Stop);
        var r = solver.Solve(2, 0, 0);
        Assert.Equal("{1,2}", r.Label);
        var w = solver.FinalWeights.ToArray();
        var last = p.Shape.Weight(w.AsSpan(), 3);
        var first = p.Shape.Weight(w.AsSpan(), 1);
        for (int c = 0; c < 4; c++) Assert.Equal(0, last[c]);
        for (int row = 0; row < 4; row++) Assert.Equal(0, first[row * 4]);
    }

    [Fact]
    public void Generic_single_hidden_layer_starts_reach_the_global_minimum()
    {
        var p = TestProblems.Canonical([3, 2, 1, 0.5], 4, 5);
        var solver = new TrajectorySolver(p, new GaussianInitializer(0.3, []), new GradientFlowSettings(1000, 1e-8, 1e-10), Stop);
        for (int s = 0; s < 20; s++)
        {
            var r = solver.Solve(1, 0, s);
            Assert.Equal(SampleStatus.Converged, r.Status);
            Assert.Equal("{0,1,2,3}", r.Label);
            Assert.Equal(0, r.CriticalValue);
            Assert.NotNull(r.HitTime);
            Assert.True(r.HitTime <= r.StopTime);
        }
    }

    [Fact]
    public void Small_deep_initialisation_is_still_on_a_plateau_at_a_short_horizon()
    {
        var p = TestProblems.Canonical([3, 1.5, 0.4], 4, 4, 4, 4);
        var solver = new TrajectorySolver(p, new GaussianInitializer(0.02, []), new GradientFlowSettings(3, 1e-8, 1e-10), Stop);
        var r = solver.Solve(1, 0, 0);
        Assert.Equal(SampleStatus.Horizon, r.Status);
        Assert.Equal("{}", r.Label);
        Assert.Equal(3, r.StopTime);
    }

    [Fact]
    public void Gradient_descent_with_a_huge_learning_rate_is_reported_diverged()
    {
        var p = TestProblems.Canonical([3, 1], 2, 3);
        var solver = new TrajectorySolver(p, new GaussianInitializer(0.5, []), new GradientDescentSettings(50, 10_000), Stop);
        var r = solver.Solve(1, 0, 0);
        Assert.Equal(SampleStatus.Diverged, r.Status);
        Assert.Equal("", r.Label);
        Assert.True(r.Steps < 10_000);
    }

    [Fact]
    public void Gradient_descent_with_a_small_learning_rate_converges_to_the_global_minimum()
    {
        var p = TestProblems.Canonical([3, 1], 2, 3);
        var solver = new TrajectorySolver(p, new GaussianInitializer(0.5, []), new GradientDescentSettings(0.05, 100_000), Stop);
        var r = solver.Solve(1, 0, 0);
        Assert.Equal(SampleStatus.Converged, r.Status);
        Assert.Equal("{0,1}", r.Label);
        Assert.NotNull(r.HitTime);
        Assert.Equal(Math.Floor(r.HitTime!.Value), r.HitTime);   // an iteration count
        Assert.Equal(r.Steps + 1, r.RhsEvaluations);
    }

    [Fact]
    public void Same_seed_point_and_sample_give_identical_results()
    {
        var p = TestProblems.Canonical([3, 1.5, 0.4], 4, 4, 4);
        var make = () => new TrajectorySolver(p, new GaussianInitializer(0.2, []), new GradientFlowSettings(200, 1e-8, 1e-10), Stop);
        var a = make().Solve(7, 2, 13);
        var other = make();
        other.Solve(7, 2, 12);
        var b = other.Solve(7, 2, 13);
        Assert.Equal(a, b with { Trace = a.Trace });
    }
}
