using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using Sweep.Numerics;
using Sweep.Numerics.Integration;
using Sweep.Numerics.Problems;
using Sweep.Numerics.Sampling;

namespace Sweep.Cli;

/// <summary>
/// `sweep bench --integrators`: per atlas point (H = 1…5 hidden layers of width 4 × init.scale 0.01, 0.03, 0.1, 0.3, 1;
/// s = (3, 2, 1, 0.5), input_dim 4, rtol 1e-8, atol 1e-10, until certified, no t_max) the cost per certified sample of
/// `dp45` against `auto` (and `radau5` on request): median and p90 of accepted steps, gradient evaluations, Hessian
/// evaluations, Hessian–vector products (the matrix-free path beyond <see cref="RadauIIA5.DenseLimit"/> parameters) and CPU
/// seconds. A wider network (--width), one depth (--hidden) or one scale (--scale) narrows or moves the grid.
/// Single-threaded, one trajectory at a time (lanes 1), samples 0, 1, … of seed 1; CPU per sample from the thread's CPU
/// clock, the point's total from Process.TotalProcessorTime. Each integrator has its own step cap (max_steps) and CPU
/// budget per point: no new sample starts once the budget is spent, so a point reports how many were run and certified.
/// </summary>
public static class IntegratorBench
{
    public sealed record Options(int AutoSamples = 30, int Dp45Samples = 10, long MaxSteps = 2_000_000,
        double AutoCpuBudget = 10, double Dp45CpuBudget = 15, int MaxHidden = 5, bool Markdown = false,
        int Width = 4, int? Hidden = null, double? Scale = null, bool Radau5 = false, bool MatrixFree = false);

    public static readonly double[] Sigmas = [3, 2, 1, 0.5];
    public static readonly double[] Scales = [0.01, 0.03, 0.1, 0.3, 1];

    /// <summary>One (point, integrator) row of the benchmark.</summary>
    public sealed record Row(int Hidden, double Scale, string Integrator, int Run, int Certified, int Global, int Saddle,
        int Unresolved, int Budget, int Diverged, double CpuSeconds, double[] Steps, double[] Gradients, double[] Hessians, double[] Cpu,
        int Width = 4, double[]? Products = null);

    public static int Execute(Options options)
    {
        var rows = new List<Row>();
        // Warm-up (JIT of both integrators, Radau's included) outside every measured point, for at least a second:
        // tiered compilation recompiles a hot method only after a 100 ms delay, in the background, so a few samples
        // left the first measured point running unoptimised code (H = 1, scale 0.01 at 10–20× its later cost).
        var warm = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            RunPoint(2, 0.01, FlowIntegrator.Dp45, options with { Dp45Samples = 2 });
            RunPoint(2, 0.01, FlowIntegrator.Auto, options with { AutoSamples = 2 });
        } while (warm.ElapsedMilliseconds < 1000);
        var depths = options.Hidden is int only ? [only] : Enumerable.Range(1, options.MaxHidden).ToArray();
        var scales = options.Scale is double one ? [one] : Scales;
        FlowIntegrator[] kinds = options.Radau5 ? [FlowIntegrator.Dp45, FlowIntegrator.Auto, FlowIntegrator.Radau5] : [FlowIntegrator.Dp45, FlowIntegrator.Auto];
        for (int i = 0; i < depths.Length; i++)
            foreach (double scale in scales)
                foreach (var integrator in kinds)
                {
                    var row = RunPoint(depths[i], scale, integrator, options);
                    rows.Add(row);
                    if (!options.Markdown) Console.WriteLine(ToJson(row).ToJsonString());
                    else Console.Error.WriteLine(ToJson(row).ToJsonString());
                }
        if (options.Markdown) Console.Write(ToMarkdown(rows));
        return 0;
    }

    public static Row RunPoint(int hidden, double scale, FlowIntegrator integrator, Options options)
    {
        var problem = LinearNetworkProblem.Canonical(Sigmas, 4, Enumerable.Repeat(options.Width, hidden).ToArray()).Value!;
        // --matrix-free: Radau IIA's Krylov path at any size (to compare it with the dense path on one network).
        var dynamics = new GradientFlowSettings(double.PositiveInfinity, 1e-8, 1e-10, integrator, options.MaxSteps)
            { DenseLimit = options.MatrixFree ? 0 : RadauIIA5.DenseLimit };
        var stop = new StopRule(1e-6, 1e-3, Until.Certified);
        var solver = new TrajectorySolver(problem, new GaussianInitializer(scale, []), dynamics, stop, lanes: 1);
        int samples = integrator == FlowIntegrator.Dp45 ? options.Dp45Samples : options.AutoSamples;
        double budget = integrator == FlowIntegrator.Dp45 ? options.Dp45CpuBudget : options.AutoCpuBudget;
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var start = process.TotalProcessorTime;
        var results = new List<(SampleResult R, double Cpu)>();
        double spent = 0;
        for (long k = 0; k < samples && spent < budget; k++)
        {
            double c0 = ThreadCpuSeconds();
            var r = solver.Solve(1, 0, k);
            double c = ThreadCpuSeconds() - c0;
            spent += c;
            results.Add((r, c));
        }
        process.Refresh();
        double total = (process.TotalProcessorTime - start).TotalSeconds;
        var cert = results.Where(x => x.R.Outcome is Outcome.Global or Outcome.Saddle).ToList();
        string name = integrator switch { FlowIntegrator.Dp45 => "dp45", FlowIntegrator.Radau5 => "radau5", _ => "auto" };
        return new Row(hidden, scale, name, results.Count, cert.Count,
            results.Count(x => x.R.Outcome == Outcome.Global), results.Count(x => x.R.Outcome == Outcome.Saddle),
            results.Count(x => x.R.Outcome == Outcome.Unresolved), results.Count(x => x.R.Status == SampleStatus.Budget),
            results.Count(x => x.R.Outcome == Outcome.Diverged), total,
            cert.Select(x => (double)x.R.Steps).ToArray(), cert.Select(x => (double)x.R.RhsEvaluations).ToArray(),
            cert.Select(x => (double)x.R.HessianEvaluations).ToArray(), cert.Select(x => x.Cpu).ToArray(),
            options.Width, cert.Select(x => (double)x.R.HessianVectorProducts).ToArray());
    }

    /// <summary>Linear-interpolation (type 7) quantile; NaN for no values.</summary>
    public static double Quantile(double[] values, double p)
    {
        if (values.Length == 0) return double.NaN;
        var x = values.OrderBy(v => v).ToArray();
        double pos = (x.Length - 1) * p;
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, x.Length - 1);
        return x[lo] + (pos - lo) * (x[hi] - x[lo]);
    }

    public static JsonObject ToJson(Row r)
    {
        JsonNode? Q(double[] v, double p) => v.Length == 0 ? null : JsonValue.Create(Quantile(v, p));
        JsonObject Stat(double[] v) => new() { ["p50"] = Q(v, 0.5), ["p90"] = Q(v, 0.9) };
        return new JsonObject
        {
            ["bench"] = "integrators",
            ["hidden"] = r.Hidden,
            ["width"] = r.Width,
            ["scale"] = r.Scale,
            ["integrator"] = r.Integrator,
            ["run"] = r.Run,
            ["certified"] = r.Certified,
            ["outcomes"] = new JsonObject { ["global"] = r.Global, ["saddle"] = r.Saddle, ["unresolved"] = r.Unresolved, ["diverged"] = r.Diverged },
            ["budget"] = r.Budget,
            ["cpu_seconds"] = Math.Round(r.CpuSeconds, 3),
            ["steps"] = Stat(r.Steps),
            ["gradient_evals"] = Stat(r.Gradients),
            ["hessian_evals"] = Stat(r.Hessians),
            ["hessian_vector_products"] = Stat(r.Products ?? []),
            ["cpu_s"] = Stat(r.Cpu),
        };
    }

    /// <summary>One markdown row per point and integrator: counts, then median / p90 over the certified samples.</summary>
    public static string ToMarkdown(IEnumerable<Row> rows)
    {
        static string G(double v) => double.IsNaN(v) ? "–" : v >= 1e5 ? v.ToString("0.00e0", CultureInfo.InvariantCulture)
            : v >= 100 ? v.ToString("0", CultureInfo.InvariantCulture) : v.ToString("G3", CultureInfo.InvariantCulture);
        static string Cell(double[] v) => v.Length == 0 ? "–" : $"{G(Quantile(v, 0.5))} / {G(Quantile(v, 0.9))}";
        static string Ms(double[] v) => Cell(v.Select(x => x * 1e3).ToArray());
        var sb = new StringBuilder();
        bool products = rows.Any(r => r.Products is { Length: > 0 } p && p.Any(x => x > 0));
        sb.AppendLine("| H | scale | integrator | certified / run | steps p50 / p90 | gradients p50 / p90 | Hessians p50 / p90 |"
            + (products ? " HVPs p50 / p90 |" : "") + " CPU ms p50 / p90 | CPU s spent |");
        sb.AppendLine("|---|---|---|---|---|---|---|" + (products ? "---|" : "") + "---|---|");
        foreach (var r in rows)
        {
            string note = r.Certified < r.Run ? $" ({r.Run - r.Certified} not certified within the cap)" : "";
            sb.AppendLine(FormattableString.Invariant(
                $"| {r.Hidden} | {r.Scale} | {r.Integrator} | {r.Certified} / {r.Run}{note} | {Cell(r.Steps)} | {Cell(r.Gradients)} | {Cell(r.Hessians)} |{(products ? $" {Cell(r.Products ?? [])} |" : "")} {Ms(r.Cpu)} | {r.CpuSeconds:0.0} |"));
        }
        return sb.ToString();
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec { public long Seconds; public long Nanoseconds; }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>CPU seconds of the calling thread (CLOCK_THREAD_CPUTIME_ID on Linux); the process's elsewhere.</summary>
    public static double ThreadCpuSeconds()
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                if (ClockGetTime(3, out var ts) == 0) return ts.Seconds + ts.Nanoseconds * 1e-9;
            }
            catch (DllNotFoundException) { }
            catch (EntryPointNotFoundException) { }
        }
        return Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
    }
}
