using Sweep.Numerics.Sampling;

namespace Sweep.Numerics.Tests;

public class SampleStreamTests
{
    private static double[] Draw(long seed, int point, long sample, int n)
    {
        var s = new SampleStream(seed, point, sample);
        return Enumerable.Range(0, n).Select(_ => s.NextGaussian()).ToArray();
    }

    [Fact]
    public void Same_key_gives_the_same_stream()
    {
        Assert.Equal(Draw(7, 3, 1000, 64), Draw(7, 3, 1000, 64));
    }

    [Theory]
    [InlineData(7, 3, 1000, 7, 3, 1001)]
    [InlineData(7, 3, 1000, 7, 4, 1000)]
    [InlineData(7, 3, 1000, 8, 3, 1000)]
    [InlineData(0, 0, 1, 0, 1, 0)]
    public void Neighbouring_keys_give_uncorrelated_streams(long s1, int p1, long n1, long s2, int p2, long n2)
    {
        const int n = 20_000;
        var a = Draw(s1, p1, n1, n);
        var b = Draw(s2, p2, n2, n);
        double corr = a.Zip(b, (x, y) => x * y).Sum() / n;
        Assert.True(Math.Abs(corr) < 5 / Math.Sqrt(n), $"correlation {corr}");
    }

    [Fact]
    public void Gaussians_have_unit_variance_and_zero_mean_across_samples()
    {
        // First draws of 20 000 consecutive sample indices: the property that matters for the campaign.
        const int n = 20_000;
        var first = Enumerable.Range(0, n).Select(i => new SampleStream(42, 0, i).NextGaussian()).ToArray();
        double mean = first.Average(), variance = first.Select(x => (x - mean) * (x - mean)).Sum() / (n - 1);
        Assert.True(Math.Abs(mean) < 5 / Math.Sqrt(n), $"mean {mean}");
        Assert.True(Math.Abs(variance - 1) < 5 * Math.Sqrt(2.0 / n), $"variance {variance}");
        double fourth = first.Select(x => x * x * x * x).Average();
        Assert.True(Math.Abs(fourth - 3) < 0.2, $"fourth moment {fourth}");
    }

    [Fact]
    public void Initializer_is_deterministic_and_scaled()
    {
        var p = TestProblems.Canonical([2, 1], 3, 50);
        var a = p.NewParameters();
        var b = p.NewParameters();
        new GaussianInitializer(0.1, []).Draw(p, 3, 1, 2, a);
        new GaussianInitializer(0.1, []).Draw(p, 3, 1, 2, b);
        Assert.Equal(a, b);
        double rms = Math.Sqrt(a.Select(x => x * x).Average());
        Assert.InRange(rms, 0.09, 0.11);
    }

    [Fact]
    public void Suppression_zeroes_the_mode_row_and_column()
    {
        var p = TestProblems.Canonical([3, 2, 1], 4, 5, 5);
        var w = p.NewParameters();
        new GaussianInitializer(1, [1]).Draw(p, 1, 0, 0, w);
        var last = p.Shape.Weight(w.AsSpan(), 3);     // 3 × 5
        var first = p.Shape.Weight(w.AsSpan(), 1);    // 5 × 4
        for (int c = 0; c < 5; c++) Assert.Equal(0, last[1 * 5 + c]);
        for (int r = 0; r < 5; r++) Assert.Equal(0, first[r * 4 + 1]);
        Assert.NotEqual(0, last[0]);
    }
}
