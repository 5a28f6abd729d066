using Sweep.Numerics.Problems;
using Sweep.Numerics.Kernels;

namespace Sweep.Numerics.Tests;

public class LossGradientTests
{
    public static TheoryData<int, bool> Shapes() => new()
    {
        { 1, false }, { 2, false }, { 3, false }, { 4, false },
        { 1, true }, { 2, true }, { 3, true }, { 4, true },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Gradient_matches_central_finite_differences(int depth, bool data)
    {
        // Unequal widths, all ≥ d_y.
        int[] hidden = Enumerable.Range(0, depth).Select(i => 3 + (i * 2) % 4).ToArray();
        var problem = data
            ? TestProblems.Data(5, 3, 12, 100 + depth, whiten: false, hidden)
            : TestProblems.Canonical([2.5, 1.2, 0.3], 4, hidden);
        var lg = new LossGradient(problem);
        var w = TestProblems.RandomWeights(problem, 0.7, depth);
        var g = new double[w.Length];
        lg.Evaluate(w, g);

        double maxErr = 0, gScale = Dense.Norm(g);
        for (int k = 0; k < w.Length; k++)
        {
            double h = 1e-5 * Math.Max(1, Math.Abs(w[k]));
            var wp = (double[])w.Clone(); wp[k] += h;
            var wm = (double[])w.Clone(); wm[k] -= h;
            double fd = (lg.Loss(wp) - lg.Loss(wm)) / (2 * h);
            maxErr = Math.Max(maxErr, Math.Abs(fd - g[k]));
        }
        Assert.True(maxErr / gScale < 1e-6, $"relative FD error {maxErr / gScale:E2}");
    }

    [Fact]
    public void Loss_equals_half_squared_residual_on_data()
    {
        var (x, y) = TestProblems.RandomData(4, 2, 9, 5);
        var problem = LinearNetworkProblem.FromData(x, y, [3, 2], whiten: false).Value!;
        var w = TestProblems.RandomWeights(problem, 0.5, 3);
        var p = LossGradient.Product(problem.Shape, w);
        double direct = 0;
        for (int c = 0; c < 9; c++)
            for (int i = 0; i < 2; i++)
            {
                double px = 0;
                for (int j = 0; j < 4; j++) px += p[i * 4 + j] * x[j, c];
                direct += 0.5 * (y[i, c] - px) * (y[i, c] - px);
            }
        Assert.Equal(direct, new LossGradient(problem).Loss(w), 10);
    }

    [Fact]
    public void Evaluate_allocates_nothing()
    {
        var problem = TestProblems.Data(5, 3, 12, 1, whiten: false, 4, 5, 3);
        var lg = new LossGradient(problem);
        var w = TestProblems.RandomWeights(problem, 0.5, 1);
        var g = new double[w.Length];
        lg.Evaluate(w, g);
        // As in KrylovJacobianTests: a per-call allocation shows in every batch, a one-time allocation does not.
        var batches = new List<long>();
        for (int b = 0; b < 4 && (batches.Count == 0 || batches[^1] != 0); b++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++) lg.Evaluate(w, g);
            batches.Add(GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.True(batches[^1] == 0, $"bytes allocated per batch of 100: {string.Join(", ", batches)}");
    }
}
