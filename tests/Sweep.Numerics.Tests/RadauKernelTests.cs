using Sweep.Numerics.Integration;
using Sweep.Numerics.Kernels;

namespace Sweep.Numerics.Tests;

/// <summary>
/// The two kernels of Radau IIA's Newton iteration against their one-at-a-time definitions, bit for bit: the three
/// stage gradients in one four-lane call, and the register-blocked eigenbasis transform against the row-by-row form.
/// </summary>
public class RadauKernelTests
{
    [Theory]
    [InlineData(new[] { 4, 4, 4, 4 })]
    [InlineData(new[] { 6, 5 })]
    public void Stage_gradients_equal_three_single_evaluations(int[] hidden)
    {
        var p = TestProblems.Canonical([3, 2, 1, 0.5], 4, hidden);
        var y = TestProblems.RandomWeights(p, 0.5, 3);
        int n = y.Length;
        var z = Enumerable.Range(0, 3).Select(k => TestProblems.RandomWeights(p, 0.1, 10 + k)).ToArray();
        var expected = z.Select(zk =>
        {
            var g = new double[n];
            new LossGradient(p).Evaluate(y.Zip(zk, (a, b) => a + b).ToArray(), g);
            return g.Select(v => -v).ToArray();
        }).ToArray();
        Assert.True(new StageGradients(p).Evaluate(y, z[0], z[1], z[2]));
        for (int k = 0; k < 3; k++)
            Assert.Equal(expected[k].Select(BitConverter.DoubleToInt64Bits), z[k].Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void Stage_gradients_report_a_non_finite_stage()
    {
        var p = TestProblems.Canonical([3, 2, 1, 0.5], 4, 4, 4);
        var y = TestProblems.RandomWeights(p, 0.5, 3);
        var ok = new double[y.Length];
        var bad = new double[y.Length];
        bad[5] = double.PositiveInfinity;
        Assert.False(new StageGradients(p).Evaluate(y, ok, (double[])ok.Clone(), bad));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(20)]
    [InlineData(80)]
    [InlineData(97)]
    public void Eigenbasis_transform_equals_the_row_by_row_sums(int n)
    {
        var rng = new Random(n);
        var m = Enumerable.Range(0, n * n).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        var x = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 2 - 1).ToArray()).ToArray();
        var expected = x.Select(xk =>
        {
            var t = new double[n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) t[j] += xk[i] * m[i * n + j];
            return t;
        }).ToArray();
        var t1 = new double[n]; var t2 = new double[n]; var t3 = new double[n]; var single = new double[n];
        EigenbasisTransform.Apply(m, n, x[0], x[1], x[2], t1, t2, t3);
        EigenbasisTransform.Apply(m, n, x[1], single);
        Assert.Equal(expected[0].Select(BitConverter.DoubleToInt64Bits), t1.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(expected[1].Select(BitConverter.DoubleToInt64Bits), t2.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(expected[2].Select(BitConverter.DoubleToInt64Bits), t3.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(expected[1].Select(BitConverter.DoubleToInt64Bits), single.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void Eigenbasis_transform_refuses_short_buffers()
    {
        var m = new double[16];
        Assert.Throws<ArgumentException>(() => EigenbasisTransform.Apply(m, 4, new double[4], new double[3]));
        Assert.Throws<ArgumentException>(() => EigenbasisTransform.Apply(m, 5, new double[5], new double[5]));
        Assert.Throws<ArgumentException>(() =>
            EigenbasisTransform.Apply(m, 4, new double[4], new double[4], new double[2], new double[4], new double[4], new double[4]));
    }
}
