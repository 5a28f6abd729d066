using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Sweep.Numerics.Problems;
using Sweep.Numerics.Kernels;

namespace Sweep.Bench;

/// <summary>
/// The loss-gradient kernel for a few shapes, one trajectory vs SIMD lanes. Per-operation time divided by the lane
/// width is the cost of one trajectory's gradient. Run: dotnet run -c Release --project bench/Sweep.Bench
/// </summary>
[MemoryDiagnoser]
public class GradientBenchmarks
{
    [Params("4x[4,4]", "16x[16,16,16]", "8x[32,32]")]
    public string Shape { get; set; } = "";

    private LossGradientKernel<ScalarLane> _one = null!;
    private LossGradientKernel<Vector256Lane> _four = null!;
    private LossGradientKernel<Vector512Lane> _eight = null!;
    // Inputs in cache-line aligned buffers, as the integrator keeps them.
    private AlignedBuffer _w1 = null!, _g1 = null!, _w4 = null!, _g4 = null!, _w8 = null!, _g8 = null!;

    [GlobalSetup]
    public void Setup()
    {
        var (dx, hidden) = Shape switch
        {
            "4x[4,4]" => (4, new[] { 4, 4 }),
            "16x[16,16,16]" => (16, new[] { 16, 16, 16 }),
            _ => (8, new[] { 32, 32 }),
        };
        int dy = Math.Min(dx, 4);
        var problem = LinearNetworkProblem.Canonical(Enumerable.Range(0, dy).Select(i => 3.0 - 0.5 * i).ToArray(), dx, hidden).Value!;
        int n = problem.Shape.ParameterCount;
        _one = new(problem); _four = new(problem); _eight = new(problem);
        var rng = new Random(1);
        AlignedBuffer Fill(int len)
        {
            var b = new AlignedBuffer(len);
            for (int i = 0; i < len; i++) b.Span[i] = rng.NextDouble() - 0.5;
            return b;
        }
        _w1 = Fill(n); _g1 = new AlignedBuffer(n);
        _w4 = Fill(4 * n); _g4 = new AlignedBuffer(4 * n);
        _w8 = Fill(8 * n); _g8 = new AlignedBuffer(8 * n);
    }

    [Benchmark(Baseline = true)] public double OneTrajectory() => _one.Evaluate(_w1, _g1)[0];
    [Benchmark] public double FourLanes() => _four.Evaluate(_w4, _g4)[0];
    [Benchmark] public double EightLanes() => _eight.Evaluate(_w8, _g8)[0];
}

public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
