using System.Globalization;
using Sweep.Numerics.Integration;

namespace Sweep.Results.Statistics;

/// <summary>
/// One time per non-diverged sample, either observed (the event happened at <see cref="Time"/>) or right-censored at
/// <see cref="Time"/> (the sample stopped there without the event: budget or horizon), or never (a certified saddle:
/// the event never happens, time +∞, not censored). Pure data for <see cref="SurvivalCurve"/>, <see cref="HillEstimator"/>
/// and <see cref="MedianInterval"/> (docs/laws.md).
/// </summary>
public readonly record struct EventTime(double Time, bool Censored)
{
    public bool Observed => !Censored && double.IsFinite(Time);

    /// <summary>t_global of a non-diverged sample: observed when certified global, +∞ for a certified saddle, else censored at t_stop.</summary>
    public static EventTime Global(SampleRecord r) => r.Outcome switch
    {
        Outcome.Global => new(r.GlobalTime, false),
        Outcome.Saddle => new(double.PositiveInfinity, false),
        _ => new(r.StopTime, true),
    };

    /// <summary>
    /// The first escape from the origin: the time the itinerary first enters a label other than <c>{}</c> (0 when it
    /// starts elsewhere); censored at t_stop when it never leaves <c>{}</c>. Null without an itinerary.
    /// </summary>
    public static EventTime? FirstEscape(SampleRecord r)
    {
        if (string.IsNullOrEmpty(r.Itinerary)) return null;
        double? t = FirstEscape(r.Itinerary);
        return t is { } x ? new(x, false) : new(r.StopTime, true);
    }

    /// <summary>The time of the first entry whose label is not <c>{}</c> in "{}@0 {0}@41.2 …"; null when there is none.</summary>
    public static double? FirstEscape(string itinerary)
    {
        foreach (var entry in itinerary.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int at = entry.LastIndexOf('@');
            if (at < 0) continue;
            if (entry.AsSpan(0, at).SequenceEqual("{}")) continue;
            return double.Parse(entry.AsSpan(at + 1), NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        return null;
    }

    /// <summary>The earliest censoring time (+∞ when nothing is censored): before it every sample is at risk.</summary>
    public static double EarliestCensoring(IEnumerable<EventTime> times) =>
        times.Where(t => t.Censored).Select(t => t.Time).DefaultIfEmpty(double.PositiveInfinity).Min();
}

/// <summary>One step of the survival curve: for t in [Time, next step's Time), S(t) = Survivors / N with an exact 95% band.</summary>
public readonly record struct SurvivalStep(double Time, long Survivors, double Share, double Low, double High);

/// <summary>
/// S(t) = P(T &gt; t) over the n non-diverged samples with exact pointwise 95% bands (Clopper–Pearson two-sided on the
/// count still without the event at t, of n). Censoring: a censored sample leaves the risk set at its own stop, so the
/// count is binomial only while every sample is still observed; the curve is therefore given (and its bands exact) only
/// on [0, c_min], c_min the earliest censoring time, where S(t) = #(T &gt; t)/n exactly. Beyond c_min nothing is claimed
/// (no Kaplan–Meier extrapolation). Certified saddles count as T = +∞ (never leave). Pure.
/// </summary>
public static class SurvivalCurve
{
    public static (IReadOnlyList<SurvivalStep> Steps, double ValidUntil) Compute(IReadOnlyCollection<EventTime> times)
    {
        long n = times.Count;
        double until = EventTime.EarliestCensoring(times);
        var steps = new List<SurvivalStep>();
        if (n == 0) return (steps, until);
        steps.Add(Step(0, n, n));
        var events = times.Where(t => t.Observed && t.Time <= until).Select(t => t.Time).OrderBy(t => t).ToList();
        long survivors = n;
        for (int i = 0; i < events.Count;)
        {
            double t = events[i];
            while (i < events.Count && events[i] == t) { survivors--; i++; }
            steps.Add(Step(t, survivors, n));
        }
        return (steps, until);
    }

    /// <summary>
    /// The same curve from binned times: one step per bin, at its upper edge e, where n − (times in the bins up to e)
    /// is an exact count (#(T ≥ e); #(T &gt; e) for exact times), so S and its band are exact there; inside a bin the
    /// curve is the exact one shifted right by at most the bin (S(t) ≤ S_binned(t) ≤ S(t / 1.001)). Bins whose edge
    /// passes c_min are left out, as the record-based curve leaves out events past it.
    /// </summary>
    public static (IReadOnlyList<SurvivalStep> Steps, double ValidUntil) Compute(BinnedEventTimes times)
    {
        long n = times.N;
        double until = times.EarliestCensoring;
        var steps = new List<SurvivalStep>();
        if (n == 0) return (steps, until);
        steps.Add(Step(0, n, n));
        long survivors = n;
        foreach (var (_, high, count) in times.Bins())
        {
            if (high > until) break;
            survivors -= count;
            steps.Add(Step(high, survivors, n));
        }
        return (steps, until);
    }

    private static SurvivalStep Step(double t, long k, long n)
    {
        var (lo, hi) = ClopperPearson.Interval95(k, n);
        return new(t, k, (double)k / n, lo, hi);
    }
}

/// <summary>
/// The Hill estimator of the tail index α of P(T &gt; t) ~ t^−α from the top k order statistics:
/// γ̂ = (1/k) Σ_{i=1..k} ln(X₍n−i+1₎ / X₍n−k₎), α̂ = 1/γ̂. Interval: for a Pareto tail above X₍n−k₎ the k log-excesses are
/// i.i.d. exponential with rate α, so α·k·γ̂ ~ Gamma(k, 1) and [G⁻¹(0.025; k), G⁻¹(0.975; k)] / (k γ̂) is an exact 95%
/// interval for α under that model (it ignores the bias of a tail that is Pareto only asymptotically).
/// k = max(5, ⌊n/10⌋) (the top 10%), capped at n − 1. Needs the top k + 1 times observed: null when any sample is
/// censored or never has the event (a certified saddle), or when n &lt; 6 or X₍n−k₎ ≤ 0. α̂ &lt; 1 means an infinite mean.
/// </summary>
public static class HillEstimator
{
    public sealed record Estimate(int K, long N, double Alpha, double Low, double High, double Threshold)
    {
        /// <summary>
        /// From binned times only (null otherwise): ε, the widest log span ln(High/Low) of the bins read, so that each log
        /// term, hence γ̂ = 1/α̂, is within ε of the exact value (ε ≤ ln 1.001 ≈ 1e-3 for log bins; 0 for exact times).
        /// </summary>
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public double? LogSpread { get; init; }
    }

    public static int DefaultK(long n) => (int)Math.Min(n - 1, Math.Max(5, n / 10));

    /// <summary>
    /// The deep-tail k = ⌊n/100⌋ (the top 1%), given beside the default where n ≥ <see cref="DeepTailMinimum"/>: at such n
    /// the default's interval is narrower than the bias of a tail that is Pareto only asymptotically, and the estimate
    /// from the top 1% (still k ≥ 1 000) says whether the top 10% is already in the Pareto regime (docs/laws.md).
    /// </summary>
    public static int DeepTailK(long n) => (int)(n / 100);

    /// <summary>The least n at which <see cref="DeepTailK"/> is given (k ≥ 1 000).</summary>
    public const long DeepTailMinimum = 100_000;

    /// <summary>
    /// The same estimator from binned times: every sample of a bin stands at the bin's geometric midpoint
    /// (<see cref="BinnedEventTimes.Representative"/>), X₍n−k₎ too, so each log term is within ε = the widest bin's log
    /// span (<see cref="Estimate.LogSpread"/>) of the exact one and |γ̂_binned − γ̂| ≤ ε: α̂ and both interval ends move by
    /// a relative α̂ε / (1 − α̂ε) at most (≈ 0.1% per unit of α for log bins). The ranks, hence k and the Gamma
    /// quantiles, are exact. Null in the same cases as the record-based one.
    /// </summary>
    public static Estimate? Compute(BinnedEventTimes times, int? k = null)
    {
        long n = times.N;
        if (n < 6 || times.Never > 0 || times.Censored > 0) return null;
        int kk = k ?? DefaultK(n);
        if (kk < 1 || kk >= n) throw new ArgumentOutOfRangeException(nameof(k));
        var bins = times.Bins().Reverse().ToList();
        // The bin of X₍n−k₎ (the (k + 1)-th largest), the threshold every term is read against.
        int j = 0;
        long above = 0;
        while (above + bins[j].Count <= kk) above += bins[j++].Count;
        double threshold = BinnedEventTimes.Representative(bins[j].Low, bins[j].High);
        if (!(threshold > 0)) return null;
        double sum = 0, spread = 0;
        for (int i = 0; i <= j; i++)
        {
            var (low, high, count) = bins[i];
            spread = Math.Max(spread, low == high ? 0 : Math.Log(high / low));
            // The top k − above samples of the threshold's own bin stand at the threshold: a log term of 0.
            if (i < j) sum += count * Math.Log(BinnedEventTimes.Representative(low, high) / threshold);
        }
        return FromLogSum(kk, n, sum, threshold) is { } e ? e with { LogSpread = spread } : null;
    }

    public static Estimate? Compute(IReadOnlyCollection<EventTime> times, int? k = null)
    {
        long n = times.Count;
        if (n < 6 || times.Any(t => !t.Observed)) return null;
        int kk = k ?? DefaultK(n);
        if (kk < 1 || kk >= n) throw new ArgumentOutOfRangeException(nameof(k));
        var sorted = times.Select(t => t.Time).OrderByDescending(t => t).ToArray();
        double threshold = sorted[kk];
        if (!(threshold > 0)) return null;
        double sum = 0;
        for (int i = 0; i < kk; i++) sum += Math.Log(sorted[i] / threshold);
        return FromLogSum(kk, n, sum, threshold);
    }

    /// <summary>α̂ = k / Σ ln(X/X₍n−k₎) with its exact interval under the Pareto model (k·γ̂/γ ~ Gamma(k, 1)); null when the sum is not positive.</summary>
    private static Estimate? FromLogSum(int k, long n, double sum, double threshold)
    {
        if (!(sum > 0)) return null;
        double lo = MathNet.Numerics.Distributions.Gamma.InvCDF(k, 1, 0.025) / sum;
        double hi = MathNet.Numerics.Distributions.Gamma.InvCDF(k, 1, 0.975) / sum;
        return new(k, n, k / sum, lo, hi, threshold);
    }
}

/// <summary>
/// The sample median (type 7) and a distribution-free 95% interval [X₍l₎, X₍u₎] for the population median: l the largest
/// rank with P(B ≤ l − 1) ≤ 0.025 for B ~ Bin(n, ½), u = n + 1 − l, so coverage ≥ 95% for any continuous law.
/// With censoring the order statistics up to rank r are known exactly when the r-th smallest observed time is below
/// every censoring time; null when X₍u₎ is not (or when n &lt; 6, where no such interval reaches 95%).
/// </summary>
public static class MedianInterval
{
    public sealed record Estimate(long N, double Median, double Low, double High, long LowRank, long HighRank);

    public static (long Low, long High) Ranks(long n)
    {
        // P(B ≤ j) for B ~ Bin(n, 1/2), summed in log space from j0, 16 standard deviations (8√n) below n/2: the mass
        // left out is below 1e-55, far below an ulp of the terms that follow, so the sum is the one from 0, and the loop
        // is O(√n) instead of O(n) for the large n of aggregate campaigns.
        long j0 = Math.Max(0, (long)Math.Floor(0.5 * n - 8 * Math.Sqrt(n)));
        long l = j0;
        double cdf = 0;
        for (long j = j0; j < n; j++)
        {
            cdf += Math.Exp(LogChoose(n, j) - n * Math.Log(2));
            if (cdf > 0.025) break;
            l = j + 1;   // P(B ≤ l − 1) ≤ 0.025
        }
        return (l, n + 1 - l);
    }

    private static double LogChoose(long n, long k) =>
        MathNet.Numerics.SpecialFunctions.GammaLn(n + 1) - MathNet.Numerics.SpecialFunctions.GammaLn(k + 1) - MathNet.Numerics.SpecialFunctions.GammaLn(n - k + 1);

    public static Estimate? Compute(IReadOnlyCollection<EventTime> times)
    {
        long n = times.Count;
        var (l, u) = Ranks(n);
        if (l < 1) return null;
        double cmin = EventTime.EarliestCensoring(times);
        var observed = times.Where(t => !t.Censored).Select(t => t.Time).OrderBy(t => t).ToArray();
        if (observed.Length < u || !(observed[u - 1] < cmin) || !double.IsFinite(observed[u - 1])) return null;
        double h = 0.5 * (n - 1);
        int lo = (int)Math.Floor(h);
        double median = observed[lo] + (h - lo) * (observed[Math.Min(lo + 1, observed.Length - 1)] - observed[lo]);
        return new(n, median, observed[l - 1], observed[u - 1], l, u);
    }

    /// <summary>
    /// The same median and interval from binned times: the ranks l, u (exact: they depend on n only), the order
    /// statistics read within their bins (<see cref="BinnedEventTimes.OrderStatistic"/>: a relative 1e-3 of the exact
    /// ones for log bins), so the interval covers the population median with ≥ 95% up to that rounding of its ends.
    /// </summary>
    public static Estimate? Compute(BinnedEventTimes times)
    {
        long n = times.N;
        var (l, u) = Ranks(n);
        if (l < 1 || times.Observed + times.Never < u) return null;
        double high = times.OrderStatistic(u - 1);
        // Decided on the bin's upper edge: the exact X₍u₎ may lie anywhere in its bin.
        if (!(times.OrderStatisticBound(u - 1) < times.EarliestCensoring) || !double.IsFinite(high)) return null;
        double h = 0.5 * (n - 1);
        long lo = (long)Math.Floor(h);
        double a = times.OrderStatistic(lo), b = times.OrderStatistic(Math.Min(lo + 1, times.Observed + times.Never - 1));
        return new(n, a + (h - lo) * (b - a), times.OrderStatistic(l - 1), high, l, u);
    }
}

/// <summary>
/// Weighted least squares of y = ln(median) on x = ln(scale): each median's standard error in log space taken from its
/// distribution-free 95% interval as (ln High − ln Low) / (2·1.96), weights 1/se². The slope's 95% interval is
/// slope ± 1.96·se·max(1, √(χ²/(m − 2))): the model-based standard error, widened by the Birge ratio when the points
/// scatter more than their errors allow (a law that does not hold over the range shows as a wide interval, not a false
/// precise one). Needs m ≥ 2 points (m = 2: no widening possible, said by <see cref="Fit.Dof"/> = 0). Pure.
/// </summary>
public static class PowerLawFit
{
    public sealed record Fit(int M, double Slope, double Intercept, double SlopeLow, double SlopeHigh, double SlopeSe, double ChiSquare, int Dof);

    public static Fit? Compute(IReadOnlyList<(double Scale, MedianInterval.Estimate Median)> points)
    {
        var pts = points.Where(p => p.Scale > 0 && p.Median.Median > 0 && p.Median.Low > 0 && p.Median.High > p.Median.Low).ToList();
        if (pts.Count < 2) return null;
        var x = pts.Select(p => Math.Log(p.Scale)).ToArray();
        var y = pts.Select(p => Math.Log(p.Median.Median)).ToArray();
        var w = pts.Select(p => { double se = (Math.Log(p.Median.High) - Math.Log(p.Median.Low)) / (2 * 1.96); return 1 / (se * se); }).ToArray();
        return Weighted(x, y, w);
    }

    /// <summary>The weighted line through (x, y) with weights w = 1/σ² (see the class).</summary>
    public static Fit? Weighted(double[] x, double[] y, double[] w)
    {
        int m = x.Length;
        if (m < 2) return null;
        double sw = w.Sum(), sx = 0, sy = 0;
        for (int i = 0; i < m; i++) { sx += w[i] * x[i]; sy += w[i] * y[i]; }
        double xm = sx / sw, ym = sy / sw, sxx = 0, sxy = 0;
        for (int i = 0; i < m; i++) { sxx += w[i] * (x[i] - xm) * (x[i] - xm); sxy += w[i] * (x[i] - xm) * (y[i] - ym); }
        if (!(sxx > 0)) return null;
        double slope = sxy / sxx, intercept = ym - slope * xm, chi2 = 0;
        for (int i = 0; i < m; i++) { double r = y[i] - intercept - slope * x[i]; chi2 += w[i] * r * r; }
        int dof = m - 2;
        double se = Math.Sqrt(1 / sxx) * (dof > 0 ? Math.Max(1, Math.Sqrt(chi2 / dof)) : 1);
        return new(m, slope, intercept, slope - 1.96 * se, slope + 1.96 * se, se, chi2, dof);
    }
}
