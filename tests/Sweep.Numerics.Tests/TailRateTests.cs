using Sweep.Numerics.Problems;
using Sweep.Numerics.Analysis;
using Sweep.Numerics.Integration;
using Sweep.Numerics.Sampling;

namespace Sweep.Numerics.Tests;

public class TailRateTests
{
    private static readonly StopRule Converged = new(1e-6, 1e-3, Until.Converged);
    private static readonly AnalysisSettings Tail = new(TailRate: true);

    private static SampleResult Flow(LinearNetworkProblem p, double[] w0, double tMax, StopRule stop, AnalysisSettings? analysis = null) =>
        new TrajectorySolver(p, new GaussianInitializer(0, []), new GradientFlowSettings(tMax, 1e-10, 1e-12), stop, analysis: analysis ?? Tail).SolveFromWeights(w0);

    [Theory]
    [InlineData(2.0, 0.01)]
    [InlineData(1.0, 0.3)]
    public void Single_hidden_layer_scalar_tail_rate_is_four_sigma(double sigma, double a0)
    {
        // a(t) = σ a0 e^{2σt}/(σ − a0 + a0 e^{2σt}): σ − a ~ e^{−2σt}, so L − L_min = (σ − a)²/2 decays at rate 4σ.
        var r = Flow(TestProblems.Canonical([sigma], 1, 1), [Math.Sqrt(a0), Math.Sqrt(a0)], 200, Converged);
        Assert.True(SampleStatus.Converged == r.Status, $"{r}");
        Assert.True(r.TailRate is not null, $"{r}");
        Assert.True(Math.Abs(r.TailRate!.Value / (4 * sigma) - 1) < 0.01, $"rate {r.TailRate} vs {4 * sigma}");
    }

    [Theory]
    [InlineData(3, 1.5, 0.05)]
    [InlineData(4, 1.0, 0.2)]
    [InlineData(4, 0.6, 0.05)]   // σ ≠ 1, so that the exponent 2 − 2/N is checked at N = 4 too
    public void Balanced_deep_scalar_chain_tail_rate_is_the_linearised_rate(int layers, double sigma, double a0)
    {
        // da/dt = N a^{2−2/N}(σ − a) linearised at a = σ: σ − a ~ e^{−λt}, λ = N σ^{2−2/N}; the gap decays at 2λ.
        var p = TestProblems.Canonical([sigma], 1, Enumerable.Repeat(1, layers - 1).ToArray());
        var r = Flow(p, Enumerable.Repeat(Math.Pow(a0, 1.0 / layers), layers).ToArray(), 500, Converged);
        double expected = 2 * layers * Math.Pow(sigma, 2 - 2.0 / layers);
        Assert.Equal(SampleStatus.Converged, r.Status);
        Assert.True(Math.Abs(r.TailRate!.Value / expected - 1) < 0.01, $"rate {r.TailRate} vs {expected}");
    }

    [Fact]
    public void Gradient_descent_tail_rate_is_the_per_iteration_contraction()
    {
        // Balanced scalar H = 1: w ← w − η (w² − σ) w; near w = √σ the error contracts by 1 − 2ησ per iteration, so the
        // gap (∝ error²) by (1 − 2ησ)²: rate −2 ln(1 − 2ησ) per iteration.
        const double sigma = 1.5, eta = 0.05;
        var p = TestProblems.Canonical([sigma], 1, 1);
        var r = new TrajectorySolver(p, new GaussianInitializer(0, []), new GradientDescentSettings(eta, 100_000), Converged, analysis: Tail).SolveFromWeights([0.3, 0.3]);
        double expected = -2 * Math.Log(1 - 2 * eta * sigma);
        Assert.Equal(SampleStatus.Converged, r.Status);
        Assert.True(Math.Abs(r.TailRate!.Value / expected - 1) < 0.01, $"rate {r.TailRate} vs {expected}");
    }

    [Fact]
    public void A_trajectory_stopped_on_a_plateau_has_a_rate_near_zero()
    {
        // Depth 2 from scale 0.01 learns mode 0 at t ≈ 32, then sits at the {0} plateau (gap ½(1.5² + 0.4²) ≈ 1.2) until
        // t ≈ 148. Stopped at t = 80 (unresolved) the gap fell less than a decade since t = 0: the fit runs from t = 0 and
        // its slope is that of the plateau, far below the exponential rate the same start reaches at the minimum.
        var p = TestProblems.Canonical([3, 1.5, 0.4], 3, 3, 3);
        var plateau = new TrajectorySolver(p, new GaussianInitializer(0.01, []), new GradientFlowSettings(80, 1e-8, 1e-10), Converged, analysis: Tail).Solve(3, 0, 1);
        var converged = new TrajectorySolver(p, new GaussianInitializer(0.01, []), new GradientFlowSettings(1e4, 1e-8, 1e-10), Converged, analysis: Tail).Solve(3, 0, 1);
        Assert.Equal(SampleStatus.Horizon, plateau.Status);
        Assert.Equal(Outcome.Unresolved, plateau.Outcome);
        Assert.Equal("{0}", plateau.Label);
        Assert.Equal(SampleStatus.Converged, converged.Status);
        Assert.NotNull(plateau.TailRate);
        Assert.True(converged.TailRate > 0.1, $"converged rate {converged.TailRate}");
        Assert.True(Math.Abs(plateau.TailRate!.Value) < 0.02 * converged.TailRate!.Value, $"plateau rate {plateau.TailRate} vs converged {converged.TailRate}");
    }

    [Fact]
    public void Rate_is_empty_unless_asked_and_with_fewer_than_three_points()
    {
        var p = TestProblems.Canonical([2.0], 1, 1);
        Assert.Null(Flow(p, [0.1, 0.1], 200, Converged, AnalysisSettings.Default).TailRate);
        // Stopped at once: one point.
        Assert.Null(Flow(p, [0.1, 0.1], 1e-9, Converged).TailRate);
        var fit = new TailRateFit(1e-10);
        fit.Start(0, 1);
        fit.Observe(1, 0.5);
        Assert.Null(fit.Rate());                    // two points
        fit.Observe(1.5, 1e-11);                    // at the floor: not usable
        Assert.Null(fit.Rate());
        fit.Observe(2, 0.25);
        Assert.Equal(Math.Log(2), fit.Rate()!.Value, 12);
    }

    [Fact]
    public void Fit_uses_the_last_decade_of_a_pure_exponential_and_stays_bounded()
    {
        // A gap e^{−2t} then e^{−2·50 − 0.5(t − 50)}: the rate over the last decade is the second one only.
        var fit = new TailRateFit(0);
        fit.Start(0, 1);
        for (int k = 1; k <= 20_000; k++)
        {
            double t = k * 0.01;
            fit.Observe(t, t <= 50 ? Math.Exp(-2 * t) : Math.Exp(-100 - 0.5 * (t - 50)));
        }
        Assert.Equal(0.5, fit.Rate()!.Value, 9);
    }

    public static TheoryData<int> Widths() => new() { 4, 8 };

    [Theory]
    [MemberData(nameof(Widths))]
    public void Tail_rates_and_invariant_eigenvalues_are_bitwise_those_of_one_trajectory(int width)
    {
        var problem = TestProblems.Canonical([3, 2, 1, 0.5], 4, 4, 4);
        var analysis = new AnalysisSettings(Invariants: true, TailRate: true);
        foreach (var (init, dyn) in new (Initializer, Dynamics)[]
                 {
                     (new GaussianInitializer(0.1, []), new GradientFlowSettings(300, 1e-8, 1e-10)),
                     (new BalancedInitializer(0.1, []), new GradientFlowSettings(300, 1e-8, 1e-10)),
                     (new GaussianInitializer(0.3, []), new GradientDescentSettings(0.05, 3000)),
                 })
        {
            var lanes = new TrajectorySolver(problem, init, dyn, Converged, width, analysis).SolveMany(5, 1, 20, 11);
            var single = new TrajectorySolver(problem, init, dyn, Converged, lanes: 1, analysis);
            Assert.Contains(lanes, r => r.TailRate is not null);
            for (int i = 0; i < 11; i++)
            {
                var expected = single.Solve(5, 1, 20 + i);
                Assert.Equal(BitConverter.DoubleToInt64Bits(expected.TailRate ?? double.NaN), BitConverter.DoubleToInt64Bits(lanes[i].TailRate ?? double.NaN));
                Assert.Equal(expected.InvariantEigenvalues!, lanes[i].InvariantEigenvalues!);
                Assert.Equal(expected with { InvariantEigenvalues = null }, lanes[i] with { InvariantEigenvalues = null });
            }
        }
    }
}

public class InvariantEigenvalueTests
{
    [Fact]
    public void Balanced_starts_have_zero_invariant_eigenvalues()
    {
        var p = TestProblems.Canonical([3, 2, 1, 0.5], 4, 4, 5, 4);
        var r = new TrajectorySolver(p, new BalancedInitializer(0.3, []), new GradientFlowSettings(1, 1e-8, 1e-10), new StopRule(1e-6, 1e-3), analysis: new AnalysisSettings(Invariants: true))
            .Solve(2, 0, 7);
        Assert.Equal(3, r.InvariantEigenvalues!.Count);
        foreach (var (lo, hi) in r.InvariantEigenvalues) Assert.True(Math.Abs(lo) < 1e-14 && Math.Abs(hi) < 1e-14, $"({lo}, {hi})");
        var gaussian = new TrajectorySolver(p, new GaussianInitializer(0.3, []), new GradientFlowSettings(1, 1e-8, 1e-10), new StopRule(1e-6, 1e-3), analysis: new AnalysisSettings(Invariants: true))
            .Solve(2, 0, 7);
        Assert.All(gaussian.InvariantEigenvalues!, e => Assert.True(e.Min < -1e-3 && e.Max > 1e-3, $"{e}"));
        Assert.Null(new TrajectorySolver(p, new BalancedInitializer(0.3, []), new GradientFlowSettings(1, 1e-8, 1e-10), new StopRule(1e-6, 1e-3)).Solve(2, 0, 7).InvariantEigenvalues);
    }

    [Fact]
    public void Invariant_eigenvalues_match_the_two_by_two_closed_form()
    {
        // d_x = 1, d_1 = 2, d_y = 1: W_1 = [a; b], W_2 = [c d], D_1 = [[c² − a², cd − ab], [cd − ab, d² − b²]],
        // whose eigenvalues are m ± √(((p − q)/2)² + r²).
        var p = TestProblems.Canonical([1.0], 1, 2);
        double a = 0.7, b = -0.2, c = 0.3, d = 1.1;
        double[] w = [a, b, c, d];
        var eig = Invariants.ExtremeEigenvalues(p.Shape, Invariants.Compute(p.Shape, w));
        double pp = c * c - a * a, q = d * d - b * b, r = c * d - a * b, m = (pp + q) / 2, rad = Math.Sqrt((pp - q) * (pp - q) / 4 + r * r);
        Assert.Single(eig);
        Assert.Equal(m - rad, eig[0].Min, 14);
        Assert.Equal(m + rad, eig[0].Max, 14);
    }

    [Fact]
    public void The_floor_covers_the_rounding_of_L_minus_L_min_when_the_residual_is_large()
    {
        // L_min = 1000 (data no network fits), ½Σs² = 5: the gap L − L_min is only good to ulps of L ≈ 1005.
        var cv = new CriticalValues([3.0, 1.0], 1000.0);
        Assert.Equal(TailRateFit.FloorRelative * 1005.0, TailRateFit.Floor(cv), 15);
        Assert.True(TailRateFit.Floor(cv) > 64 * Math.BitIncrement(1005.0) - 64 * 1005.0);
        Assert.Equal(TailRateFit.FloorRelative * 5.0, TailRateFit.Floor(new CriticalValues([3.0, 1.0], 0.0)), 15);
    }

    [Fact]
    public void A_rise_of_the_gap_at_the_end_does_not_move_the_window_the_running_minimum_sets_it()
    {
        // An oscillating decay, the envelope e^{−t} (a momentum-like loss), then a last state 100× above the minimum.
        var fit = new TailRateFit(0);
        fit.Start(0, 2.5);
        for (int k = 1; k <= 3000; k++)
        {
            double t = k * 0.01;
            fit.Observe(t, Math.Exp(-t) * (1.5 + Math.Sin(5 * t)));
        }
        double before = fit.Rate()!.Value;
        fit.Observe(30.01, 100 * Math.Exp(-30));
        Assert.Equal(before, fit.Rate()!.Value);
        Assert.True(Math.Abs(before - 1) < 0.15, $"envelope rate {before} vs 1");
    }
}
