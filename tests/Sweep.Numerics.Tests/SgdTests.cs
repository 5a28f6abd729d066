using Sweep.Numerics.Integration;
using Sweep.Numerics.Kernels;
using Sweep.Numerics.Problems;
using Sweep.Numerics.Sampling;

namespace Sweep.Numerics.Tests;

/// <summary>Minibatch SGD: the full batch is gradient descent bit for bit, the recurrence written out, reproducibility, outcomes.</summary>
public class SgdTests
{
    private static readonly StopRule Never = new(1e-300, 1e-300, Until.Converged);

    private static LinearNetworkProblem Problem(int dx, int dy, int m, int seed, params int[] hidden)
    {
        var (x, y) = TestProblems.RandomData(dx, dy, m, seed);
        var v = LinearNetworkProblem.FromData(x, y, hidden, whiten: false);
        Assert.True(v.IsValid, v.Error?.Message);
        return v.Value!.WithExamples(DataExamples.FromColumns(x, y));
    }

    [Fact]
    public void Full_batch_statistics_are_the_problems_bit_for_bit()
    {
        var p = Problem(5, 3, 23, 4, 5);
        var ex = p.Examples!;
        var cxx = new double[25];
        var cyx = new double[15];
        ex.Accumulate(Enumerable.Range(0, 23).ToArray(), cxx, cyx);
        Assert.Equal(p.Cxx, cxx);
        Assert.Equal(p.Cyx, cyx);
        // The gradient of a batch's statistics kernel with the full statistics is the problem's gradient, bit for bit.
        var w = TestProblems.RandomWeights(p, 0.4, 3);
        var g = new double[w.Length];
        var gb = new double[w.Length];
        p.NewKernel<ScalarLane>().Evaluate(w, g);
        LossGradientKernel<ScalarLane>.OfStatistics(p, cxx, cyx).Evaluate(w, gb);
        Assert.Equal(g, gb);
    }

    public static TheoryData<string> Cases() => ["converging", "diverging", "horizon"];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Batch_size_m_without_decay_is_gradient_descent_bit_for_bit(string name)
    {
        var (problem, init, eta, iters) = name switch
        {
            "converging" => (Problem(5, 3, 20, 4, 5, 6), new GaussianInitializer(0.2, []), 0.02, 2000L),
            "diverging" => (Problem(5, 3, 20, 4, 5, 6), new GaussianInitializer(0.8, []), 0.3, 300L),
            _ => (Problem(4, 2, 16, 7, 4, 4, 4), new GaussianInitializer(0.05, []), 0.01, 300L),
        };
        var sgd = new SgdSettings(eta, problem.Examples!.Count, 0, 0.5, iters);
        foreach (var until in new[] { Until.Certified, Until.Hit, Until.Converged })
        {
            var stop = new StopRule(1e-6, 1e-3, until);
            // gd in its widest lanes against sgd, one trajectory at a time.
            var gd = new TrajectorySolver(problem, init, new GradientDescentSettings(eta, iters), stop).SolveMany(5, 1, 20, 9, traceBelow: 22);
            var other = new TrajectorySolver(problem, init, sgd, stop).SolveMany(5, 1, 20, 9, traceBelow: 22);
            for (int i = 0; i < gd.Length; i++)
            {
                Assert.Equal(gd[i] with { Trace = null }, other[i] with { Trace = null });
                Assert.Equal(gd[i].Trace, other[i].Trace);
            }
            var gdOne = new TrajectorySolver(problem, init, new GradientDescentSettings(eta, iters), stop, lanes: 1);
            var one = new TrajectorySolver(problem, init, sgd, stop, lanes: 1);
            Assert.Equal(gdOne.Solve(5, 1, 23), one.Solve(5, 1, 23));
            Assert.Equal(gdOne.FinalWeights.ToArray(), one.FinalWeights.ToArray());
        }
    }

    /// <summary>
    /// One hidden layer, b &lt; m with m mod b ≠ 0 and a step decay, against the recurrence written out here: the epoch
    /// permutations from the sample's minibatch stream, the batch's statistics, E = W2 W1 Cxx_B − Cyx_B, ∇W1 = W2ᵀ E,
    /// ∇W2 = E W1ᵀ, W ← W − η_k (m/b) ∇, and the reported state the mean of the last ⌈K/10⌉ iterates.
    /// </summary>
    [Fact]
    public void Minibatch_recurrence_with_step_decay_and_tail_average_matches_the_written_out_one()
    {
        const int dx = 3, dy = 2, h = 3, m = 10, b = 3, K = 50;
        const long seed = 11, sample = 7;
        const int point = 2;
        const double eta = 0.01, factor = 0.5;
        const long decayEvery = 7;
        var p = Problem(dx, dy, m, 5, h);
        var ex = p.Examples!;
        var w0 = TestProblems.RandomWeights(p, 0.5, 9);
        var solver = new TrajectorySolver(p, new GaussianInitializer(0, []), new SgdSettings(eta, b, decayEvery, factor, K), Never, lanes: 1);
        var r = solver.SolveFromWeights(w0, point, sample, seed: seed);

        var w1 = w0[..(h * dx)];                 // W1: h × dx
        var w2 = w0[(h * dx)..];                 // W2: dy × h
        var stream = new SampleStream(seed, point, sample, SampleStream.Minibatches);
        var order = Enumerable.Range(0, m).ToArray();
        int pos = m;
        var sum1 = new double[w1.Length];
        var sum2 = new double[w2.Length];
        int window = (K + 9) / 10;
        for (int k = 0; ; k++)
        {
            if (k >= K - window + 1)
            {
                for (int e = 0; e < w1.Length; e++) sum1[e] += w1[e];
                for (int e = 0; e < w2.Length; e++) sum2[e] += w2[e];
            }
            if (k == K) break;
            if (pos + b > m)
            {
                for (int i = m - 1; i > 0; i--) { int j = stream.NextBelow(i + 1); (order[i], order[j]) = (order[j], order[i]); }
                pos = 0;
            }
            var batch = order[pos..(pos + b)];
            pos += b;
            var cxx = new double[dx, dx];
            var cyx = new double[dy, dx];
            foreach (int c in batch)
            {
                for (int i = 0; i < dx; i++) for (int j = 0; j < dx; j++) cxx[i, j] += ex.X[c * dx + i] * ex.X[c * dx + j];
                for (int i = 0; i < dy; i++) for (int j = 0; j < dx; j++) cyx[i, j] += ex.Y[c * dy + i] * ex.X[c * dx + j];
            }
            var prod = new double[dy, dx];
            for (int i = 0; i < dy; i++) for (int j = 0; j < dx; j++) for (int l = 0; l < h; l++) prod[i, j] += w2[i * h + l] * w1[l * dx + j];
            var err = new double[dy, dx];
            for (int i = 0; i < dy; i++) for (int j = 0; j < dx; j++)
            {
                double s = -cyx[i, j];
                for (int l = 0; l < dx; l++) s += prod[i, l] * cxx[l, j];
                err[i, j] = s;
            }
            var g1 = new double[h * dx];
            var g2 = new double[dy * h];
            for (int l = 0; l < h; l++) for (int j = 0; j < dx; j++) for (int i = 0; i < dy; i++) g1[l * dx + j] += w2[i * h + l] * err[i, j];
            for (int i = 0; i < dy; i++) for (int l = 0; l < h; l++) for (int j = 0; j < dx; j++) g2[i * h + l] += err[i, j] * w1[l * dx + j];
            double rate = eta * Math.Pow(factor, k / decayEvery) * m / b;
            for (int e = 0; e < w1.Length; e++) w1[e] -= rate * g1[e];
            for (int e = 0; e < w2.Length; e++) w2[e] -= rate * g2[e];
        }
        var expected = sum1.Select(v => v / window).Concat(sum2.Select(v => v / window)).ToArray();
        var actual = solver.FinalWeights.ToArray();
        for (int e = 0; e < expected.Length; e++) Assert.Equal(expected[e], actual[e], 1e-12 * (1 + Math.Abs(expected[e])));
        Assert.Equal(SampleStatus.Horizon, r.Status);
        Assert.Equal(Outcome.Unresolved, r.Outcome);
        Assert.Equal(K, r.Steps);
        Assert.Equal(K + 2, r.RhsEvaluations);   // every iterate, then the average
        Assert.Equal(new LossGradient(p).Loss(actual), r.FinalLoss, 1e-12);
    }

    [Fact]
    public void A_sample_is_the_same_whatever_batch_or_lane_width_computes_it()
    {
        var p = Problem(4, 2, 30, 3, 4, 4);
        var sgd = new SgdSettings(0.01, 4, 200, 0.5, 600);
        var stop = new StopRule(1e-4, 1e-3);
        var init = new GaussianInitializer(0.3, []);
        var many = new TrajectorySolver(p, init, sgd, stop).SolveMany(8, 3, 0, 6);
        var tail = new TrajectorySolver(p, init, sgd, stop, lanes: 1).SolveMany(8, 3, 3, 3);
        var single = new TrajectorySolver(p, init, sgd, stop, lanes: 4);
        for (int i = 0; i < 6; i++) Assert.Equal(many[i], single.Solve(8, 3, i));
        for (int i = 0; i < 3; i++) Assert.Equal(many[3 + i], tail[i]);
        // Different samples see different batches.
        Assert.NotEqual(many[0].FinalLoss, many[1].FinalLoss);
    }

    /// <summary>
    /// Noisy data (L_min &gt; 0): with a constant rate the minibatch step never settles, so no sample is certified; with
    /// the rate halved every 500 iterations the same starts converge and are certified global.
    /// </summary>
    [Fact]
    public void Only_a_decayed_schedule_certifies_global()
    {
        var p = Problem(3, 2, 40, 8, 3);
        Assert.True(p.CriticalValues.GlobalMinimum > 1e-3);
        var init = new GaussianInitializer(0.3, []);
        var stop = new StopRule(1e-4, 1e-3, Until.Certified);
        var constant = new TrajectorySolver(p, init, new SgdSettings(0.005, 4, 0, 0.5, 8000), stop).SolveMany(2, 0, 0, 4);
        var decayed = new TrajectorySolver(p, init, new SgdSettings(0.005, 4, 500, 0.5, 8000), stop).SolveMany(2, 0, 0, 4);
        string global = CriticalValues.Label(p.CriticalValues.GlobalMask);
        Assert.All(constant, r => Assert.Equal(Outcome.Unresolved, r.Outcome));
        Assert.All(constant, r => Assert.Equal(global, r.Label));     // the tail average sits at the minimum's label
        Assert.All(decayed, r => Assert.Equal(Outcome.Global, r.Outcome));
        Assert.All(decayed, r => Assert.True(r.GlobalTime > 500));
    }

    [Fact]
    public void Exploding_steps_are_the_outcome_diverged()
    {
        var p = Problem(3, 2, 20, 8, 3);
        var r = new TrajectorySolver(p, new GaussianInitializer(0.8, []), new SgdSettings(5, 2, 0, 0.5, 500), new StopRule(1e-6, 1e-3)).Solve(1, 0, 0);
        Assert.Equal(SampleStatus.Diverged, r.Status);
        Assert.Equal(Outcome.Diverged, r.Outcome);
    }

    [Fact]
    public void Bounded_draws_are_uniform_and_in_range()
    {
        var s = new SampleStream(1, 2, 3, SampleStream.Minibatches);
        var counts = new int[7];
        for (int i = 0; i < 70_000; i++) counts[s.NextBelow(7)]++;
        Assert.All(counts, c => Assert.InRange(c, 10_000 - 400, 10_000 + 400));   // ±4.3 σ
        Assert.Equal(0, s.NextBelow(1));
        // The minibatch stream is not the initial weights' stream.
        Assert.NotEqual(new SampleStream(1, 2, 3).NextUInt64(), new SampleStream(1, 2, 3, SampleStream.Minibatches).NextUInt64());
    }
}
