using Sweep.Numerics.Problems;
using Sweep.Numerics.Kernels;
using Sweep.Numerics.Integration;
using Sweep.Numerics.Sampling;
using Sweep.Numerics;

namespace Sweep.Numerics.Tests;

public class LaneTests
{
    private static readonly string[] ProblemNames = ["canonical-h1", "canonical-h3-plateau", "data", "data-whitened", "suppressed", "tiny-horizon", "h4-gradient-test-at-start"];

    private static (LinearNetworkProblem, GaussianInitializer, GradientFlowSettings) Case(string name) => name switch
    {
        "canonical-h1" => (TestProblems.Canonical([3, 2, 1, 0.5], 4, 4), new(0.3, []), new(1000, 1e-7, 1e-9)),
        "canonical-h3-plateau" => (TestProblems.Canonical([3, 1.5, 0.4], 4, 4, 4, 4), new(0.05, []), new(120, 1e-8, 1e-10)),
        "data" => (TestProblems.Data(5, 3, 20, 4, whiten: false, 5, 6), new(0.2, []), new(60, 1e-8, 1e-10)),
        "data-whitened" => (TestProblems.Data(5, 3, 20, 4, whiten: true, 3, 3), new(0.2, []), new(60, 1e-8, 1e-10)),
        "suppressed" => (TestProblems.Canonical([3, 1.5, 0.6], 4, 4, 4), new(0.3, [1]), new(300, 1e-8, 1e-10)),
        "h4-gradient-test-at-start" => (TestProblems.Canonical([3, 1.5, 0.4], 4, 4, 4, 4, 4), new(0.01, []), new(30, 1e-8, 1e-10)),
        _ => (TestProblems.Canonical([2, 1], 3, 3, 3), new(0.1, []), new(0.5, 1e-8, 1e-10)),
    };

    public static TheoryData<string, int> ProblemsAndLanes()
    {
        var data = new TheoryData<string, int>();
        foreach (var p in ProblemNames) foreach (var l in new[] { 4, 8 }) data.Add(p, l);
        return data;
    }

    [Theory]
    [MemberData(nameof(ProblemsAndLanes))]
    public void Trajectories_in_simd_lanes_give_bitwise_the_one_trajectory_results(string name, int width)
    {
        // Vector256/Vector512 run in software where the hardware lacks them: slower, but the same IEEE operations.
        var (problem, init, flow) = Case(name);
        foreach (var until in new[] { Until.Certified, Until.Hit, Until.Converged })
        {
            var stop = new StopRule(1e-6, 1e-3, until);
            // 13 samples: lanes refill unevenly, and the last batch runs with idle lanes.
            var lanes = new TrajectorySolver(problem, init, flow, stop, width).SolveMany(9, 2, 100, 13, traceBelow: 103);
            var single = new TrajectorySolver(problem, init, flow, stop, lanes: 1);
            for (int i = 0; i < 13; i++)
            {
                var expected = single.Solve(9, 2, 100 + i, trace: 100 + i < 103);
                Assert.Equal(expected with { Trace = null }, lanes[i] with { Trace = null });
                Assert.Equal(expected.Trace, lanes[i].Trace);
            }
        }
    }

    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    public void Gradient_descent_in_simd_lanes_gives_bitwise_the_one_trajectory_results(int width)
    {
        // A mix of converging, diverging (large rate on some starts) and horizon trajectories, so lanes refill unevenly.
        var problem = TestProblems.Canonical([3, 1.5, 0.4], 4, 4, 4);
        foreach (var (init, gd) in new (GaussianInitializer, GradientDescentSettings)[] { (new(0.3, []), new(0.05, 3000)), (new(0.8, []), new(0.35, 400)), (new(0.3, [1]), new(0.1, 2000)) })
        foreach (var until in new[] { Until.Certified, Until.Hit, Until.Converged })
        {
            var stop = new StopRule(1e-6, 1e-3, until);
            var lanes = new TrajectorySolver(problem, init, gd, stop, width).SolveMany(4, 1, 10, 13, traceBelow: 12);
            var single = new TrajectorySolver(problem, init, gd, stop, lanes: 1);
            for (int i = 0; i < 13; i++)
            {
                var expected = single.Solve(4, 1, 10 + i, trace: 10 + i < 12);
                Assert.Equal(expected with { Trace = null }, lanes[i] with { Trace = null });
                Assert.Equal(expected.Trace, lanes[i].Trace);
            }
        }
    }

    [Fact]
    public void A_sample_result_does_not_depend_on_its_batch()
    {
        var (problem, init, flow) = Case("canonical-h3-plateau");
        var stop = new StopRule(1e-6, 1e-3);
        var solver = new TrajectorySolver(problem, init, flow, stop);
        var wide = solver.SolveMany(1, 0, 0, 9);
        var narrow = solver.SolveMany(1, 0, 5, 2);
        Assert.Equal(wide[5], narrow[0]);
        Assert.Equal(wide[6], narrow[1]);
    }

    [Fact]
    public void Lane_kernels_match_the_one_lane_kernel_on_every_lane()
    {
        Check<Vector256Lane>();
        Check<Vector512Lane>();
    }

    private static void Check<TLane>() where TLane : struct, ILane<TLane>
    {
        int L = TLane.Width;
        var p = TestProblems.Data(4, 2, 12, 8, whiten: false, 3, 5);
        int n = p.Shape.ParameterCount;
        var one = new LossGradientKernel<ScalarLane>(p);
        var many = new LossGradientKernel<TLane>(p);
        var ws = Enumerable.Range(0, L).Select(l => TestProblems.RandomWeights(p, 0.5, 30 + l)).ToArray();
        var packed = new double[L * n];
        for (int l = 0; l < L; l++) for (int e = 0; e < n; e++) packed[e * L + l] = ws[l][e];
        var gl = new double[L * n];
        var lossL = many.Evaluate(packed, gl);
        for (int l = 0; l < L; l++)
        {
            var g1 = new double[n];
            double loss1 = one.Evaluate(ws[l], g1)[0];
            Assert.Equal(loss1, lossL[l]);
            for (int e = 0; e < n; e++) Assert.Equal(g1[e], gl[e * L + l]);
        }
    }
}

public class ControllerFactorTests
{
    [Fact]
    public void Controller_factor_matches_the_power_law_where_it_is_not_clamped()
    {
        var rng = new Random(5);
        for (int i = 0; i < 100_000; i++)
        {
            double err = Math.Pow(10, -5.2 + 8.5 * rng.NextDouble());
            double exact = 0.9 * Math.Pow(err, -0.2);
            double got = DormandPrince45<ScalarLane>.ControllerFactor(err);
            if (exact is > 0.2 and < 10) Assert.True(Math.Abs(got / exact - 1) < 1e-9, $"err {err}: {got} vs {exact}");
            else Assert.Equal(Math.Clamp(exact, 0.2, 10), Math.Clamp(got, 0.2, 10), 6);
        }
        Assert.Equal(10, DormandPrince45<ScalarLane>.ControllerFactor(0));
        Assert.Equal(0.2, DormandPrince45<ScalarLane>.ControllerFactor(1e10));
    }
}
