using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Sweep.Numerics.Problems;
using Sweep.Numerics.Integration;
using Sweep.Numerics.Sampling;
using Sweep.Numerics;

namespace Sweep.Cli;

/// <summary>
/// `sweep bench`: solves trajectories of a fixed configuration (flow, Gaussian init, rtol 1e-7, atol 1e-9,
/// grad_tol_rel 1e-6, until converged) for about S seconds on N threads and prints one JSON line.
/// </summary>
public static class BenchCommand
{
    public sealed record BenchConfig(string Name, double[] Sigmas, int InputDim, int[] Hidden, double Scale, double TMax);

    public static readonly BenchConfig Small = new("small", [3, 2, 1, 0.5], 4, [4, 4], 0.3, 1000);
    public static readonly BenchConfig Medium = new("medium", Enumerable.Range(0, 8).Select(i => 4 - 3.5 * i / 7).ToArray(), 16, [16, 16, 16], 0.2, 2000);

    /// <summary>`sweep bench --coordinator`: see <see cref="CoordinatorCapacity"/>.</summary>
    public static async Task<int> ExecuteCoordinator(int shards, int shardSize, int fakeWorkers, bool aggregate = false, bool workersEncode = true, int warmupShards = 0)
    {
        Console.WriteLine((await CoordinatorCapacity.Measure(shards, shardSize, fakeWorkers, aggregate, workersEncode, warmupShards)).ToJsonString());
        return 0;
    }

    public static int Execute(string configName, int threads, double seconds, int? forcedLanes, bool measurePeak)
    {
        var config = configName == "medium" ? Medium : Small;
        int lanes = forcedLanes ?? TrajectorySolver.Lanes;
        var result = Run(config, threads, seconds, lanes);
        if (measurePeak)
        {
            var (peak, peakCpu) = Peak.MeasureGflops(threads);
            result["peak_gflops"] = peak;
            result["fraction_of_peak"] = result["gflops"]!.GetValue<double>() / peak;
            result["peak_gflops_per_cpu_s"] = peakCpu;
            result["fraction_of_peak_cpu"] = result["gflops_per_cpu_s"]!.GetValue<double>() / peakCpu;
        }
        Console.WriteLine(result.ToJsonString());
        return 0;
    }

    private const int Batch = 250;

    public static JsonObject Run(BenchConfig config, int threads, double seconds, int lanes)
    {
        var problem = LinearNetworkProblem.Canonical(config.Sigmas, config.InputDim, config.Hidden).Value!;
        var dynamics = new GradientFlowSettings(config.TMax, 1e-7, 1e-9);
        // Until converged (‖∇L‖ below the tolerance), the peers' stop rule: the same work per trajectory as theirs. A
        // campaign's default (`hit`) stops earlier, at the certified hitting time, and so solves more per second.
        var stop = new StopRule(1e-6, 1e-3, Until.Converged);
        long next = 0, trajectories = 0, evals = 0, steps = 0;
        var rates = new List<(double Traj, double Evals)>();
        var labels = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        // Warm-up (JIT) outside the timed region.
        new TrajectorySolver(problem, new GaussianInitializer(config.Scale, []), dynamics, stop, lanes).SolveMany(0, 0, long.MaxValue - Batch, Batch);
        var process = Process.GetCurrentProcess();
        var cpuStart = process.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            var solver = new TrajectorySolver(problem, new GaussianInitializer(config.Scale, []), dynamics, stop, lanes);
            long t = 0, e = 0, s = 0;
            var local = new Dictionary<string, long>();
            // Batches of 250 consecutive sample indices, like a campaign's default shards (lanes refill within a batch).
            while (sw.Elapsed < deadline)
            {
                long first = Interlocked.Add(ref next, Batch) - Batch;
                foreach (var r in solver.SolveMany(0, 0, first, Batch))
                {
                    t++; e += r.RhsEvaluations; s += r.Steps;
                    string key = r.Status == SampleStatus.Diverged ? "diverged" : r.Label;
                    local[key] = local.GetValueOrDefault(key) + 1;
                }
            }
            // Each thread's own rate over its own span, summed: a thread that ends its last batch early does not
            // count as idle time of the others.
            double mine = sw.Elapsed.TotalSeconds;
            lock (rates) { rates.Add((t / mine, e / mine)); }
            Interlocked.Add(ref trajectories, t);
            Interlocked.Add(ref evals, e);
            Interlocked.Add(ref steps, s);
            foreach (var kv in local) labels.AddOrUpdate(kv.Key, kv.Value, (_, v) => v + kv.Value);
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        double elapsed = sw.Elapsed.TotalSeconds;
        process.Refresh();
        // CPU time of the whole process over the timed region: on a shared, loaded machine trajectories per CPU-second
        // is the steadier figure (it leaves out time spent waiting for a core); the warm-up above keeps JIT out of it.
        double cpu = (process.TotalProcessorTime - cpuStart).TotalSeconds;
        double trajRate = rates.Sum(r => r.Traj), evalRate = rates.Sum(r => r.Evals);
        double flopsPerEval = 2.0 * problem.Shape.MultiplyAddsPerGradient(problem.IdentityCovariance);
        var labelNode = new JsonObject();
        foreach (var kv in labels.OrderBy(k => k.Key, StringComparer.Ordinal)) labelNode[kv.Key] = kv.Value;
        return new JsonObject
        {
            ["config"] = config.Name,
            ["threads"] = threads,
            ["seconds"] = Math.Round(elapsed, 3),
            ["trajectories"] = trajectories,
            ["traj_per_s"] = trajRate,
            ["cpu_seconds"] = Math.Round(cpu, 3),
            ["traj_per_cpu_s"] = cpu > 0 ? trajectories / cpu : 0,
            ["grad_evals_per_s"] = evalRate,
            ["gflops"] = evalRate * flopsPerEval / 1e9,
            ["gflops_per_cpu_s"] = cpu > 0 ? evals * flopsPerEval / cpu / 1e9 : 0,
            ["mean_steps"] = trajectories == 0 ? 0 : (double)steps / trajectories,
            ["labels"] = labelNode,
            ["simd_lanes"] = lanes,
        };
    }
}

/// <summary>This machine's double-precision FMA peak per the given threads: independent Vector256 FMA chains.</summary>
public static class Peak
{
    /// <summary>GFLOP/s per wall-clock second and per CPU-second (the latter steadier on a loaded machine).</summary>
    public static (double Wall, double Cpu) MeasureGflops(int threads)
    {
        const long iters = 50_000_000;
        Kernel(1000);   // JIT outside the timed region
        var process = Process.GetCurrentProcess();
        var cpuStart = process.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var ts = Enumerable.Range(0, threads).Select(_ => new Thread(() => Kernel(iters))).ToList();
        ts.ForEach(t => t.Start());
        ts.ForEach(t => t.Join());
        double wall = sw.Elapsed.TotalSeconds;
        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpuStart).TotalSeconds;
        // 8 chains × 4 lanes × 2 flops per FMA.
        double flops = threads * iters * 8.0 * 4 * 2;
        return (flops / wall / 1e9, flops / cpu / 1e9);
    }

    private static double Kernel(long iters)
    {
        var a = System.Runtime.Intrinsics.Vector256.Create(1.0000001);
        var b = System.Runtime.Intrinsics.Vector256.Create(0.9999999);
        var c0 = System.Runtime.Intrinsics.Vector256.Create(0.1); var c1 = c0; var c2 = c0; var c3 = c0; var c4 = c0; var c5 = c0; var c6 = c0; var c7 = c0;
        if (!System.Runtime.Intrinsics.X86.Fma.IsSupported) return 0;
        for (long i = 0; i < iters; i++)
        {
            c0 = System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(c0, a, b); c1 = System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(c1, a, b);
            c2 = System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(c2, a, b); c3 = System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(c3, a, b);
            c4 = System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(c4, a, b); c5 = System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(c5, a, b);
            c6 = System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(c6, a, b); c7 = System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(c7, a, b);
        }
        return System.Runtime.Intrinsics.Vector256.GetElement(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7, 0);
    }
}
