using MathNet.Numerics;

namespace Sweep.Results.Statistics;

/// <summary>
/// An anytime-valid 95% confidence sequence for a Bernoulli mean p: Robbins' beta-binomial mixture. With k successes in
/// n draws, the mixture martingale M_n(p) = B(a + k, b + n − k) / B(a, b) / (p^k (1 − p)^(n − k)) has expectation 1
/// under p, so by Ville's inequality P(∃ n: M_n(p) ≥ 1/α) ≤ α: the sets C_n = {p : M_n(p) &lt; 1/α} hold p at every n
/// at once with probability ≥ 1 − α, however often (and whenever) one looks and stops. log M_n is convex in p, so C_n is
/// an interval around k/n (where M_n ≤ 1). The prior Beta(a, b) = Beta(0.1, 1) puts its mass near 0, where the rare
/// shares this instrument bounds live: with k = 0 the upper end is ≈ 4.3/n at n = 3·10^5 (Clopper–Pearson's fixed-n
/// bound, valid for one look only, is 3.0/n). docs/statistics.md. Pure.
/// </summary>
public static class ConfidenceSequence
{
    public const double PriorA = 0.1, PriorB = 1, Alpha = 0.05;
    private static readonly double LogThreshold = Math.Log(1 / Alpha);
    private static readonly double LogBetaPrior = LogBeta(PriorA, PriorB);

    private static double LogBeta(double a, double b) => SpecialFunctions.GammaLn(a) + SpecialFunctions.GammaLn(b) - SpecialFunctions.GammaLn(a + b);

    /// <summary>log M_n(p) for k of n: p is outside the sequence at n exactly when this is ≥ log(1/α).</summary>
    public static double LogMixtureRatio(long k, long n, double p) => LogMarginal(k, n) - LogLikelihood(k, n, LogOf(p), LogOf(1 - p));

    /// <summary>The mixture martingale's log(1/α) boundary: <see cref="LogMixtureRatio"/> ≥ this excludes p.</summary>
    public static double Boundary => LogThreshold;

    private static double LogMarginal(long k, long n) => LogBeta(PriorA + k, PriorB + n - k) - LogBetaPrior;

    private static double LogOf(double x) => x > 0 ? Math.Log(x) : double.NegativeInfinity;

    private static double LogLikelihood(long k, long n, double logP, double logQ) => (k > 0 ? k * logP : 0) + (n - k > 0 ? (n - k) * logQ : 0);

    /// <summary>
    /// The sequence's 95% interval for k of n: every p with M_n(p) &lt; 20. (0, 1) when n = 0; the low end is 0 at k = 0
    /// and the high end 1 at k = n. Endpoints by bisection in logit(p) to far below any printed digit.
    /// </summary>
    public static (double Low, double High) Interval95(long k, long n)
    {
        if (n < 0 || k < 0 || k > n) throw new ArgumentOutOfRangeException(nameof(k), $"{k} of {n}");
        if (n == 0) return (0, 1);
        double marginal = LogMarginal(k, n);
        double center = Logit((double)k / n);
        // Excluded when log M ≥ threshold, i.e. when the log-likelihood at logit t is ≤ marginal − threshold.
        double level = marginal - LogThreshold;
        bool Inside(double t) => LogLikelihood(k, n, -Softplus(-t), -Softplus(t)) > level;
        double low = k == 0 ? 0 : Sigmoid(Bisect(-800, center, Inside, insideAtHigh: true));
        double high = k == n ? 1 : Sigmoid(Bisect(center, 800, Inside, insideAtHigh: false));
        return (low, high);
    }

    /// <summary>Half of the interval's width.</summary>
    public static double HalfWidth(long k, long n)
    {
        var (lo, hi) = Interval95(k, n);
        return (hi - lo) / 2;
    }

    // The boundary between inside and outside on [a, b] (a monotone predicate), to 1e-12 in logit.
    private static double Bisect(double a, double b, Func<double, bool> inside, bool insideAtHigh)
    {
        if (double.IsInfinity(a)) a = -800;
        if (double.IsInfinity(b)) b = 800;
        for (int i = 0; i < 200 && b - a > 1e-12 * Math.Max(1, Math.Abs(a)); i++)
        {
            double m = 0.5 * (a + b);
            if (inside(m) == insideAtHigh) b = m; else a = m;
        }
        return insideAtHigh ? a : b;     // the outside end: the interval never comes out narrower than the set
    }

    private static double Logit(double p) => p <= 0 ? double.NegativeInfinity : p >= 1 ? double.PositiveInfinity : Math.Log(p / (1 - p));

    private static double Sigmoid(double t) => t >= 0 ? 1 / (1 + Math.Exp(-t)) : Math.Exp(t) / (1 + Math.Exp(t));

    /// <summary>log(1 + e^t), without overflow: −log p = softplus(−t) and −log(1 − p) = softplus(t) at p = sigmoid(t).</summary>
    private static double Softplus(double t) => t > 0 ? t + Log1P(Math.Exp(-t)) : Log1P(Math.Exp(t));

    // log(1 + x) to full relative precision for small x (the classic correction of the rounded 1 + x).
    private static double Log1P(double x)
    {
        double u = 1 + x;
        return u == 1 ? x : Math.Log(u) * x / (u - 1);
    }
}
