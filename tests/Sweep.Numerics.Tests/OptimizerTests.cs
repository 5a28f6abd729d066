using Sweep.Numerics.Integration;
using Sweep.Numerics.Problems;
using Sweep.Numerics.Sampling;

namespace Sweep.Numerics.Tests;

/// <summary>Momentum, Nesterov and Adam: reductions to descent, independent recurrences, lanes and outcomes.</summary>
public class OptimizerTests
{
    // A stop rule that never certifies: every trajectory runs to max_iters, so whole recurrences are compared.
    private static readonly StopRule Never = new(1e-300, 1e-300, Until.Converged);

    private static LinearNetworkProblem Chain(double s, int hidden) =>
        TestProblems.Canonical([s], 1, Enumerable.Repeat(1, hidden).ToArray());

    public static TheoryData<string, int> ReductionCases()
    {
        var data = new TheoryData<string, int>();
        foreach (var c in new[] { "h2-converging", "h2-diverging", "h3-horizon", "suppressed", "data" })
            foreach (var l in new[] { 1, 4, 8 }) data.Add(c, l);
        return data;
    }

    private static (LinearNetworkProblem, GaussianInitializer, double, long) Reduction(string name) => name switch
    {
        "h2-converging" => (TestProblems.Canonical([3, 1.5, 0.4], 4, 4, 4), new(0.3, []), 0.05, 3000),
        "h2-diverging" => (TestProblems.Canonical([3, 1.5, 0.4], 4, 4, 4), new(0.8, []), 0.35, 400),
        "h3-horizon" => (TestProblems.Canonical([3, 2, 1, 0.5], 4, 4, 4, 4), new(0.05, []), 0.05, 300),
        "suppressed" => (TestProblems.Canonical([3, 1.5, 0.4], 4, 4, 4), new(0.3, [1]), 0.1, 2000),
        _ => (TestProblems.Data(5, 3, 20, 4, whiten: false, 5, 6), new(0.2, []), 0.02, 2000),
    };

    [Theory]
    [MemberData(nameof(ReductionCases))]
    public void Momentum_and_nesterov_with_beta_zero_are_gradient_descent_bit_for_bit(string name, int width)
    {
        var (problem, init, eta, iters) = Reduction(name);
        foreach (var until in new[] { Until.Certified, Until.Hit, Until.Converged })
        {
            var stop = new StopRule(1e-6, 1e-3, until);
            var gd = new TrajectorySolver(problem, init, new GradientDescentSettings(eta, iters), stop, width).SolveMany(5, 1, 20, 11, traceBelow: 22);
            foreach (Dynamics d in new Dynamics[] { new MomentumSettings(eta, 0, iters), new NesterovSettings(eta, 0, iters) })
            {
                var solver = new TrajectorySolver(problem, init, d, stop, width);
                var other = solver.SolveMany(5, 1, 20, 11, traceBelow: 22);
                for (int i = 0; i < gd.Length; i++)
                {
                    Assert.Equal(gd[i] with { Trace = null }, other[i] with { Trace = null });
                    Assert.Equal(gd[i].Trace, other[i].Trace);
                }
                // Final weights, bit for bit.
                var gdOne = new TrajectorySolver(problem, init, new GradientDescentSettings(eta, iters), stop, lanes: 1);
                var one = new TrajectorySolver(problem, init, d, stop, lanes: 1);
                Assert.Equal(gdOne.Solve(5, 1, 23), one.Solve(5, 1, 23));
                Assert.Equal(gdOne.FinalWeights.ToArray(), one.FinalWeights.ToArray());
            }
        }
    }

    public static TheoryData<string, int> MethodsAndLanes()
    {
        var data = new TheoryData<string, int>();
        foreach (var m in new[] { "momentum", "nesterov", "adam" }) foreach (var l in new[] { 4, 8 }) data.Add(m, l);
        return data;
    }

    private static IEnumerable<(GaussianInitializer, Dynamics)> Configurations(string method) => method switch
    {
        // Converging, diverging (large rate) and suppressed starts, so lanes refill unevenly.
        "momentum" => [(new(0.3, []), new MomentumSettings(0.05, 0.9, 3000)), (new(0.8, []), new MomentumSettings(0.3, 0.5, 400)), (new(0.3, [1]), new MomentumSettings(0.05, 0.5, 2000))],
        "nesterov" => [(new(0.3, []), new NesterovSettings(0.05, 0.9, 3000)), (new(0.8, []), new NesterovSettings(0.3, 0.5, 400)), (new(0.3, [1]), new NesterovSettings(0.05, 0.5, 2000))],
        _ => [(new(0.3, []), new AdamSettings(0.01, 0.9, 0.999, 1e-8, 3000)), (new(0.8, []), new AdamSettings(0.5, 0.9, 0.999, 1e-8, 400)), (new(0.3, [1]), new AdamSettings(0.02, 0.5, 0.99, 1e-6, 2000))],
    };

    [Theory]
    [MemberData(nameof(MethodsAndLanes))]
    public void Each_method_in_simd_lanes_gives_bitwise_the_one_trajectory_results(string method, int width)
    {
        var problem = TestProblems.Canonical([3, 1.5, 0.4], 4, 4, 4);
        foreach (var (init, dyn) in Configurations(method))
        foreach (var until in new[] { Until.Certified, Until.Converged })
        {
            var stop = new StopRule(1e-6, 1e-3, until);
            var lanes = new TrajectorySolver(problem, init, dyn, stop, width).SolveMany(4, 1, 10, 13, traceBelow: 12);
            var single = new TrajectorySolver(problem, init, dyn, stop, lanes: 1);
            for (int i = 0; i < 13; i++)
            {
                var expected = single.Solve(4, 1, 10 + i, trace: 10 + i < 12);
                Assert.Equal(expected with { Trace = null }, lanes[i] with { Trace = null });
                Assert.Equal(expected.Trace, lanes[i].Trace);
            }
        }
    }

    /// <summary>∇L of L = ½(w_H···w_1 − s)² on the scalar chain, written out independently of the kernels.</summary>
    private static double[] ChainGradient(double[] w, double s)
    {
        double p = 1;
        foreach (var x in w) p *= x;
        double e = p - s;
        var g = new double[w.Length];
        for (int i = 0; i < w.Length; i++)
        {
            double others = 1;
            for (int j = 0; j < w.Length; j++) if (j != i) others *= w[j];
            g[i] = e * others;
        }
        return g;
    }

    private static double[] Solve(LinearNetworkProblem p, Dynamics d, double[] w0, StopRule? stop = null)
    {
        var solver = new TrajectorySolver(p, new GaussianInitializer(1, []), d, stop ?? Never, lanes: 1);
        var r = solver.SolveFromWeights(w0);
        Assert.Equal(SampleStatus.Horizon, r.Status);
        return solver.FinalWeights.ToArray();
    }

    private static void Close(double[] expected, double[] actual, double tol)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * Math.Max(1, Math.Abs(expected[i])), $"weight {i}: expected {expected[i]:R}, got {actual[i]:R}");
    }

    [Fact]
    public void Adam_two_steps_by_hand()
    {
        // L = ½(w2·w1 − 1)², w1 = 0.5, w2 = 0.25, η = 0.1, β1 = 0.9, β2 = 0.999, ε = 1e-8.
        // Step 1: e = 0.125 − 1 = −0.875; g = (w2·e, w1·e) = (−0.21875, −0.4375).
        //   m = 0.1·g; s = 0.001·g²; m̂ = m/0.1 = g; ŝ = s/0.001 = g²; the step is η·g/(|g| + ε) ≈ −η per weight:
        //   w1 = 0.5 + 0.1·0.21875/(0.21875 + 1e-8) = 0.59999998857142909…, w2 = 0.25 + 0.1·0.4375/(0.4375 + 1e-8) = 0.34999999771428577…
        double w1 = 0.5 + 0.1 * (0.21875 / (0.21875 + 1e-8)), w2 = 0.25 + 0.1 * (0.4375 / (0.4375 + 1e-8));
        Assert.Equal(0.6, w1, 1e-7);
        Assert.Equal(0.35, w2, 1e-7);
        // Step 2: e = w1·w2 − 1 ≈ 0.21 − 1 = −0.79; g' = (w2·e, w1·e) ≈ (−0.2765, −0.474).
        //   m = 0.9·0.1·g + 0.1·g'; m̂ = m/(1 − 0.81) = (0.09·g + 0.1·g')/0.19;
        //   s = 0.999·0.001·g² + 0.001·g'²; ŝ = s/(1 − 0.998001) = (0.000999·g² + 0.001·g'²)/0.001999.
        double e2 = w1 * w2 - 1, ga1 = -0.21875, ga2 = -0.4375, gb1 = w2 * e2, gb2 = w1 * e2;
        double m1 = 0.09 * ga1 + 0.1 * gb1, m2 = 0.09 * ga2 + 0.1 * gb2;
        double s1 = 0.000999 * ga1 * ga1 + 0.001 * gb1 * gb1, s2 = 0.000999 * ga2 * ga2 + 0.001 * gb2 * gb2;
        double x1 = w1 - 0.1 * (m1 / 0.19) / (Math.Sqrt(s1 / 0.001999) + 1e-8);
        double x2 = w2 - 0.1 * (m2 / 0.19) / (Math.Sqrt(s2 / 0.001999) + 1e-8);
        // By hand: m̂1 = (−0.0196875 − 0.02765)/0.19 = −0.248…, √ŝ1 = √((4.7804e-5 + 7.6452e-5)/0.001999) = 0.2493…, so the
        // step is ≈ 0.0996·… and w1 ≈ 0.6996; likewise w2 ≈ 0.4496.
        Assert.Equal(0.6996, x1, 1e-3);
        Assert.Equal(0.4496, x2, 1e-3);
        var actual = Solve(Chain(1, 1), new AdamSettings(0.1, 0.9, 0.999, 1e-8, 2), [0.5, 0.25]);
        Close([x1, x2], actual, 1e-14);
    }

    /// <summary>Adam on the scalar chain, the recurrence written out (β^t by repeated multiplication).</summary>
    private static double[] AdamReference(double[] w0, double s, double eta, double b1, double b2, double eps, int iters)
    {
        var w = (double[])w0.Clone();
        var m = new double[w.Length];
        var v = new double[w.Length];
        double p1 = 1, p2 = 1;
        for (int t = 1; t <= iters; t++)
        {
            var g = ChainGradient(w, s);
            p1 *= b1;
            p2 *= b2;
            for (int i = 0; i < w.Length; i++)
            {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double mHat = m[i] / (1 - p1), vHat = v[i] / (1 - p2);
                w[i] -= eta * (mHat / (Math.Sqrt(vHat) + eps));
            }
        }
        return w;
    }

    private static double[] MomentumReference(double[] w0, double s, double eta, double beta, int iters)
    {
        var w = (double[])w0.Clone();
        var v = new double[w.Length];
        for (int k = 0; k < iters; k++)
        {
            var g = ChainGradient(w, s);
            for (int i = 0; i < w.Length; i++)
            {
                v[i] = beta * v[i] + g[i];
                w[i] -= eta * v[i];
            }
        }
        return w;
    }

    [Theory]
    [InlineData(1, 0.3, 0.7)]
    [InlineData(1, 1.2, -0.4)]
    public void Adam_matches_a_reference_on_the_scalar_problem(int _, double a, double b)
    {
        // d_x = d_1 = d_y = 1, unbalanced start; 500 iterations through the plateau and into the minimum.
        var expected = AdamReference([a, b], 2, 0.01, 0.9, 0.999, 1e-8, 500);
        Close(expected, Solve(Chain(2, 1), new AdamSettings(0.01, 0.9, 0.999, 1e-8, 500), [a, b]), 1e-11);
    }

    [Theory]
    [InlineData(0.9)]
    [InlineData(0.5)]
    public void Momentum_and_adam_on_the_balanced_scalar_chain_follow_the_recurrence(double beta)
    {
        // d_x = d_1 = d_2 = d_y = 1, balanced start w1 = w2 = w3 = 0.4: the product crosses its plateau and settles at s = 1.5.
        double[] w0 = [0.4, 0.4, 0.4];
        var p = Chain(1.5, 2);
        var momentum = Solve(p, new MomentumSettings(0.05, beta, 400), w0);
        Close(MomentumReference(w0, 1.5, 0.05, beta, 400), momentum, 1e-11);
        // The product reaches s (balanced up to rounding: the kernels order each layer's products differently).
        Assert.Equal(1.5, momentum[0] * momentum[1] * momentum[2], 1e-6);
        var adam = Solve(p, new AdamSettings(0.01, beta, 0.999, 1e-8, 400), w0);
        Close(AdamReference(w0, 1.5, 0.01, beta, 0.999, 1e-8, 400), adam, 1e-11);
        Assert.Equal(adam[0], adam[1], 1e-12);
    }

    [Fact]
    public void Nesterov_follows_its_look_ahead_recurrence()
    {
        double[] w0 = [0.4, 0.4, 0.4];
        var w = (double[])w0.Clone();
        var v = new double[3];
        for (int k = 0; k < 300; k++)
        {
            var g = ChainGradient(w, 1.5);
            for (int i = 0; i < 3; i++) { v[i] = 0.9 * v[i] + g[i]; w[i] -= 0.05 * (g[i] + 0.9 * v[i]); }
        }
        Close(w, Solve(Chain(1.5, 2), new NesterovSettings(0.05, 0.9, 300), w0), 1e-11);
    }

    [Theory]
    [InlineData("momentum")]
    [InlineData("nesterov")]
    [InlineData("adam")]
    public void Outcomes_are_certified_only_by_convergence(string method)
    {
        var problem = TestProblems.Canonical([3, 2, 1, 0.5], 4, 4, 4);
        var (init, dyn) = Configurations(method).First();
        double eta = dyn switch { MomentumSettings m => m.LearningRate, NesterovSettings n => n.LearningRate, AdamSettings a => a.LearningRate, _ => 0 };
        var stop = new StopRule(1e-6, 1e-3, Until.Certified);
        var results = new TrajectorySolver(problem, init, dyn, stop).SolveMany(2, 0, 0, 16);
        Assert.Contains(results, r => r.Outcome == Outcome.Global);
        foreach (var r in results)
        {
            if (r.Outcome == Outcome.Global)
            {
                // Certified where it stopped (until = certified), by the gradient test at a global label.
                Assert.Equal(SampleStatus.Converged, r.Status);
                Assert.Equal(r.StopTime, r.GlobalTime);
                Assert.True(r.GradientNorm <= 1e-6 * problem.CyxNorm);
                Assert.Equal(0, r.CriticalValue);
            }
            else Assert.NotEqual(SampleStatus.Converged, r.Status);
            if (r.Outcome != Outcome.Diverged) Assert.True(double.IsFinite(r.InvariantDrift));
        }
        Assert.True(eta > 0);
    }

    [Fact]
    public void Divergence_is_an_outcome_not_a_numerical_failure()
    {
        var problem = TestProblems.Canonical([3, 1.5, 0.4], 4, 4, 4);
        foreach (var dyn in new Dynamics[] { new MomentumSettings(0.5, 0.9, 400), new NesterovSettings(0.5, 0.9, 400), new AdamSettings(1e9, 0.9, 0.999, 1e-8, 400) })
        {
            var results = new TrajectorySolver(problem, new GaussianInitializer(0.8, []), dyn, new StopRule(1e-6, 1e-3)).SolveMany(1, 0, 0, 8);
            Assert.Contains(results, r => r.Outcome == Outcome.Diverged && r.Status == SampleStatus.Diverged);
            Assert.All(results, r => Assert.False(r.NumericalFailure));
        }
    }
}
