using Sweep.Numerics.Problems;
using Sweep.Numerics.Kernels;
using Sweep.Numerics.Integration;
using Sweep.Numerics.Sampling;
using Sweep.Numerics;

namespace Sweep.Numerics.Tests;

public class ClosedFormTests
{
    private static readonly StopRule NeverConverge = new(0, 1e-3, Until.Converged);   // certified trajectories stop only when ∇L = 0 exactly

    /// <summary>Integrate a scalar ODE with classical RK4 at a tiny fixed step: an independent reference.</summary>
    private static double Rk4(Func<double, double> f, double a0, double t, int steps)
    {
        double h = t / steps, a = a0;
        for (int i = 0; i < steps; i++)
        {
            double k1 = f(a), k2 = f(a + h / 2 * k1), k3 = f(a + h / 2 * k2), k4 = f(a + h * k3);
            a += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
        }
        return a;
    }

    private static double ProductAfter(LinearNetworkProblem p, double[] w0, double t, out SampleResult r)
    {
        var solver = new TrajectorySolver(p, new GaussianInitializer(0, []), new GradientFlowSettings(t, 1e-11, 1e-13), NeverConverge);
        r = solver.SolveFromWeights(w0);
        return LossGradient.Product(p.Shape, solver.FinalWeights)[0];
    }

    [Theory]
    [InlineData(2.0, 0.01, 1.5)]
    [InlineData(1.0, 0.001, 4.0)]
    [InlineData(3.0, 0.5, 0.7)]
    public void Single_hidden_layer_scalar_follows_the_logistic_closed_form(double sigma, double a0, double t)
    {
        var p = TestProblems.Canonical([sigma], 1, 1);
        double w = Math.Sqrt(a0);
        double a = ProductAfter(p, [w, w], t, out var r);
        double exact = sigma * a0 * Math.Exp(2 * sigma * t) / (sigma - a0 + a0 * Math.Exp(2 * sigma * t));
        Assert.Equal(SampleStatus.Horizon, r.Status);
        Assert.True(Math.Abs(a - exact) / exact < 1e-6, $"a = {a}, exact {exact}");
    }

    [Theory]
    [InlineData(3, 2.0, 0.05, 3.0)]
    [InlineData(4, 1.5, 0.1, 4.0)]
    [InlineData(5, 1.0, 0.2, 6.0)]
    public void Balanced_deep_scalar_chain_matches_the_scalar_ode(int layers, double sigma, double a0, double t)
    {
        var p = TestProblems.Canonical([sigma], 1, Enumerable.Repeat(1, layers - 1).ToArray());
        var w0 = Enumerable.Repeat(Math.Pow(a0, 1.0 / layers), layers).ToArray();
        double a = ProductAfter(p, w0, t, out _);
        double reference = Rk4(x => layers * Math.Pow(x, 2 - 2.0 / layers) * (sigma - x), a0, t, 200_000);
        Assert.True(Math.Abs(a - reference) / reference < 1e-6, $"a = {a}, reference {reference}");
    }

    [Fact]
    public void Certification_time_matches_the_closed_form_growth_time()
    {
        // d_y = 1: L_2 = ½σ² (the origin's value), so the global certificate is L < ½σ²(1 − 10⁻⁶), i.e. a > σ(1 − √(1 − 10⁻⁶)).
        const double sigma = 2, a0 = 1e-9;
        var p = TestProblems.Canonical([sigma], 1, 1);
        var solver = new TrajectorySolver(p, new GaussianInitializer(0, []), new GradientFlowSettings(50, 1e-10, 1e-14), new StopRule(1e-9, 1e-3, Until.Certified));
        var r = solver.SolveFromWeights([Math.Sqrt(a0), Math.Sqrt(a0)]);
        double uf = sigma * (1 - Math.Sqrt(1 - 1e-6));
        double exact = Math.Log(uf * (sigma - a0) / (a0 * (sigma - uf))) / (2 * sigma);
        Assert.Equal(SampleStatus.Converged, r.Status);
        Assert.Equal(Outcome.Global, r.Outcome);
        Assert.NotNull(r.GlobalTime);
        Assert.True(Math.Abs(r.GlobalTime!.Value - exact) < 1e-3 * exact, $"t_global {r.GlobalTime} vs {exact}");
        Assert.Equal(r.StopTime, r.GlobalTime!.Value, 0.5);   // stopped at the accepted step right after the crossing
        Assert.Null(r.HitTime);
    }

    [Fact]
    public void Hitting_time_matches_the_closed_form_growth_time()
    {
        const double sigma = 2, a0 = 0.01, eps = 1e-3;
        var p = TestProblems.Canonical([sigma], 1, 1);
        var solver = new TrajectorySolver(p, new GaussianInitializer(0, []), new GradientFlowSettings(50, 1e-9, 1e-12), new StopRule(1e-9, eps));
        var r = solver.SolveFromWeights([Math.Sqrt(a0), Math.Sqrt(a0)]);
        // L = ½(σ − a)² ≤ eps  ⇔  a ≥ σ − √(2 eps).
        double uf = sigma - Math.Sqrt(2 * eps);
        double exact = Math.Log(uf * (sigma - a0) / (a0 * (sigma - uf))) / (2 * sigma);
        Assert.Equal(SampleStatus.Converged, r.Status);
        Assert.NotNull(r.HitTime);
        Assert.True(Math.Abs(r.HitTime!.Value - exact) / exact < 1e-3, $"t_hit {r.HitTime} vs {exact}");
    }
}
