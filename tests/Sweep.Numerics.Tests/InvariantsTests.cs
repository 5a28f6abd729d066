using Sweep.Numerics.Kernels;
using Sweep.Numerics.Integration;
using Sweep.Numerics.Sampling;
using Sweep.Numerics.Analysis;
using Sweep.Numerics;

namespace Sweep.Numerics.Tests;

public class InvariantsTests
{
    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    public void Flow_conserves_the_invariants_and_never_increases_the_loss(int depth, bool data)
    {
        int[] hidden = Enumerable.Range(0, depth).Select(i => 4 + i % 2).ToArray();
        var p = data ? TestProblems.Data(4, 3, 10, 9, whiten: false, hidden) : TestProblems.Canonical([3, 1.5, 0.4], 4, hidden);
        var solver = new TrajectorySolver(p, new GaussianInitializer(0.3, []), new GradientFlowSettings(40, 1e-9, 1e-11), new StopRule(1e-8, 1e-3));
        var r = solver.Solve(seed: 11, point: 0, sample: 3, trace: true);
        Assert.NotEqual(SampleStatus.Diverged, r.Status);
        Assert.True(r.InvariantDrift < 1e-6, $"drift {r.InvariantDrift:E2}");
        var trace = r.Trace!;
        Assert.True(trace.Count > 10);
        for (int i = 1; i < trace.Count; i++)
            Assert.True(trace[i].Loss <= trace[i - 1].Loss + 1e-12 * (1 + Math.Abs(trace[i - 1].Loss)), $"loss rose at {trace[i].Time}");
    }

    [Fact]
    public void Gradient_descent_changes_the_invariants_by_exactly_eta_squared_times_the_gradient_terms()
    {
        var p = TestProblems.Canonical([2, 1], 3, 3, 4);
        var shape = p.Shape;
        var lg = new LossGradient(p);
        var w = TestProblems.RandomWeights(p, 0.5, 4);
        var g = new double[w.Length];
        const double eta = 0.05;
        for (int step = 0; step < 5; step++)
        {
            lg.Evaluate(w, g);
            var before = Invariants.Compute(shape, w);
            // Predicted change: η² (G_{i+1}ᵀ G_{i+1} − G_i G_iᵀ), i.e. the "invariant" of the gradient itself.
            var predicted = Invariants.Compute(shape, g);
            for (int k = 0; k < w.Length; k++) w[k] -= eta * g[k];
            var after = Invariants.Compute(shape, w);
            for (int k = 0; k < before.Length; k++)
                Assert.Equal(before[k] + eta * eta * predicted[k], after[k], 12);
        }
    }

    [Fact]
    public void Drift_is_zero_for_identical_states_and_positive_otherwise()
    {
        var p = TestProblems.Canonical([2, 1], 2, 3);
        var w = TestProblems.RandomWeights(p, 1, 1);
        var d = Invariants.Compute(p.Shape, w);
        Assert.Equal(0, Invariants.Drift(p.Shape, d, d));
        w[0] += 0.1;
        Assert.True(Invariants.Drift(p.Shape, d, Invariants.Compute(p.Shape, w)) > 1e-3);
    }
}
