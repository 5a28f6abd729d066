namespace Sweep.Results.Tests;

/// <summary>
/// Reference formulas for the statistics tests, not used by the outputs: the Wilson score interval (the one the first
/// version printed; the tests show why the outputs now use exact Clopper–Pearson intervals) and the type-7 quantile
/// of sorted data (what censored quantiles must equal while exact).
/// </summary>
public static class Proportions
{
    /// <summary>z for a two-sided 95% interval.</summary>
    public const double Z95 = 1.959963984540054;
    /// <summary>z for a one-sided 95% bound.</summary>
    public const double Z95OneSided = 1.6448536269514722;

    /// <summary>The Wilson score interval for k successes in n trials.</summary>
    public static (double Low, double High) Wilson(long k, long n, double z = Z95)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n));
        double p = (double)k / n, z2 = z * z;
        double denom = 1 + z2 / n;
        double center = (p + z2 / (2 * n)) / denom;
        double half = z * Math.Sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denom;
        return (Math.Max(0, center - half), Math.Min(1, center + half));
    }

    /// <summary>Quantile q of sorted data by linear interpolation between order statistics (Hyndman–Fan type 7, numpy's default).</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0) throw new ArgumentException("no data", nameof(sorted));
        double h = (sorted.Count - 1) * q;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Count - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
