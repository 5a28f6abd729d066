using System.Text.Json.Nodes;
using Sweep.Numerics.Analysis;
using Sweep.Numerics.Integration;
using Sweep.Numerics.Kernels;
using Sweep.Numerics.Problems;
using Sweep.Numerics.Sampling;

namespace Sweep.Cli;

/// <summary>
/// `sweep bench --cost-model`: the calibration of the allocation's flop model (<c>SampleCost</c> in Sweep.Coordinator):
/// per network (s = (3, 2, 1, 0.5), input 4, H = 1…5 layers of width 4, and H = 2 of width 8 and 16) the CPU time of
/// one gradient evaluation, one dense Hessian assembly and one tridiagonal reduction (TridiagonalJacobian.Update less the
/// assembly), on one thread, each divided by P, P² and P³ (P the parameters). One JSON line per network, then one
/// with the medians: the constants SampleCost holds.
/// </summary>
public static class CostModelBench
{
    public static int Execute()
    {
        var networks = Enumerable.Range(1, 5).Select(h => Enumerable.Repeat(4, h).ToArray()).Concat([[8, 8], [16, 16]]).ToArray();
        var perGradient = new List<double>();
        var perHessian = new List<double>();
        var perReduction = new List<double>();
        foreach (var hidden in networks)
        {
            var problem = LinearNetworkProblem.Canonical([3, 2, 1, 0.5], 4, hidden).Value!;
            int p = problem.Shape.ParameterCount;
            var w = problem.NewParameters();
            new GaussianInitializer(0.3, []).Draw(problem, 1, 0, 0, w);
            var g = problem.NewParameters();
            var gradient = new LossGradient(problem);
            var dense = new DenseHessian(problem);
            var hessian = new double[p * p];
            var eigen = new TridiagonalJacobian(problem);
            double Seconds(Action op, int repeats)
            {
                // Warm-up: tiered compilation recompiles a method only after 30 calls and a 100 ms delay, in the
                // background; timing earlier measured the unoptimised code (a gradient at ~14 ns·P instead of ~4).
                var warm = System.Diagnostics.Stopwatch.StartNew();
                for (int i = 0; i < Math.Max(1, repeats / 10) || warm.ElapsedMilliseconds < 400; i++) op();
                double c0 = IntegratorBench.ThreadCpuSeconds();
                for (int i = 0; i < repeats; i++) op();
                return (IntegratorBench.ThreadCpuSeconds() - c0) / repeats;
            }
            double tg = Seconds(() => gradient.Evaluate(w, g), 200_000 / p);
            double th = Seconds(() => dense.Assemble(w, hessian), Math.Max(20, 200_000 / (p * p) * 10));
            double tu = Seconds(() => eigen.Update(w), Math.Max(5, 20_000_000 / (p * p * p)));
            double te = Math.Max(0, tu - th);
            perGradient.Add(tg / p * 1e9);
            perHessian.Add(th / ((double)p * p) * 1e9);
            perReduction.Add(te / ((double)p * p * p) * 1e9);
            Console.WriteLine(new JsonObject
            {
                ["hidden"] = string.Join('x', hidden), ["parameters"] = p,
                ["gradient_us"] = Math.Round(tg * 1e6, 3), ["hessian_us"] = Math.Round(th * 1e6, 2), ["reduction_us"] = Math.Round(te * 1e6, 1),
                ["ns_per_p"] = Math.Round(perGradient[^1], 3), ["ns_per_p2"] = Math.Round(perHessian[^1], 4), ["ns_per_p3"] = Math.Round(perReduction[^1], 4),
            }.ToJsonString());
        }
        static double Median(List<double> x) { var s = x.Order().ToArray(); return s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]); }
        Console.WriteLine(new JsonObject
        {
            ["median_ns_per_p"] = Math.Round(Median(perGradient), 3),
            ["median_ns_per_p2"] = Math.Round(Median(perHessian), 4),
            ["median_ns_per_p3"] = Math.Round(Median(perReduction), 4),
        }.ToJsonString());
        return 0;
    }
}
