using Sweep.Campaigns;
using Sweep.Numerics.Integration;

namespace Sweep.Results.Statistics;

/// <summary>Why a point of a campaign with a target stopped receiving shards.</summary>
public enum StopReason
{
    /// <summary>The target holds: the anytime-valid bound is at or below it.</summary>
    TargetMet,
    /// <summary>The target cannot be met: the anytime-valid lower bound of the saddle-basin upper share is above it.</summary>
    OutOfReach,
    /// <summary><c>max_samples</c> were spent without either.</summary>
    Budget,
}

/// <summary>
/// A point's standing against its target, from a complete prefix of its samples (0..<see cref="Samples"/> − 1):
/// the share the target is about (<see cref="Count"/> of <see cref="Of"/>), its anytime-valid 95% interval
/// (<see cref="ConfidenceSequence"/>), the figure compared with the target (<see cref="Current"/>: the upper end for
/// saddle_upper95, the half-width for ci_halfwidth), why it stopped (null: still sampling) and the projected samples to go.
/// </summary>
public sealed record TargetState(SampleTarget Target, long Samples, long Count, long Of, double Low, double High, double Current, StopReason? Stopped, long ToGo)
{
    public static string Name(StopReason r) => r switch
    {
        StopReason.TargetMet => "target_met",
        StopReason.OutOfReach => "out_of_reach",
        _ => "budget",
    };

    /// <summary>One line for tables and the report: the bound now, after how many samples, why it stopped or how far it has to go.</summary>
    public string Describe()
    {
        static string F(double v) => Sweep.Results.Output.Display.Short(v);
        string figure = Target.Kind == TargetKind.SaddleUpper95 ? "anytime upper95" : "anytime half-width";
        string status = Stopped switch
        {
            StopReason.TargetMet => "target met",
            StopReason.OutOfReach => $"out of reach (anytime lower95 {F(Low)} > {F(Target.Bound)}: the unresolved share at this horizon is above the target)",
            StopReason.Budget => "budget spent (max_samples)",
            _ => $"sampling, ~{ToGo} samples to go (projected)",
        };
        return $"{figure} {F(Current)} (target {F(Target.Bound)}) after {Samples} samples ({Count} of {Of}): {status}";
    }
}

/// <summary>
/// The stopping rule of a campaign with a target (docs/campaign.md, "Targets"; docs/statistics.md). It looks at a point only at
/// shard boundaries of a complete prefix (samples 0..n − 1, so what it decides does not depend on which worker finished
/// what first), never before the first batch (<c>samples</c>), and stops the point at the first look where
/// <list type="bullet">
/// <item>saddle_upper95 ≤ b: the sequence's upper end for (saddles + unresolved) among the non-diverged samples is ≤ b
/// (<see cref="StopReason.TargetMet"/>), or its lower end is &gt; b (<see cref="StopReason.OutOfReach"/>: with 95%
/// confidence the unresolved share at this horizon exceeds b, so no number of samples can meet the target);</item>
/// <item>ci_halfwidth ≤ h of an outcome: half the sequence's interval for that outcome's share of all samples is ≤ h
/// (never out of reach: the width always shrinks);</item>
/// <item>the prefix holds <c>max_samples</c> (<see cref="StopReason.Budget"/>).</item>
/// </list>
/// One confidence sequence serves both ends of the first rule, so meeting and ruling out together err with
/// probability ≤ 5% whenever the point is stopped. Pure.
/// </summary>
public sealed class SequentialRule(SampleTarget target, long firstBatch, long maxSamples)
{
    public SampleTarget Target => target;
    public long FirstBatch => firstBatch;
    public long MaxSamples => maxSamples;

    public static SequentialRule? For(Campaign campaign) =>
        campaign.Target is { } t ? new SequentialRule(t, campaign.Samples, campaign.MaxSamples) : null;

    /// <summary>The state before any sample: the first batch to go.</summary>
    public TargetState Initial() => new(target, 0, 0, 0, 0, 1, target.Kind == TargetKind.SaddleUpper95 ? 1 : 0.5, null, firstBatch);

    /// <summary>(k, n) of the share the target is about.</summary>
    private (long K, long N) Share(PointStatistics s) => target.Kind == TargetKind.SaddleUpper95
        ? (s.OutcomeCount(Outcome.Saddle) + s.OutcomeCount(Outcome.Unresolved), s.Count - s.OutcomeCount(Outcome.Diverged))
        : (s.OutcomeCount(target.Of!.Value), s.Count);

    private double Figure(long k, long n, out double low, out double high)
    {
        (low, high) = ConfidenceSequence.Interval95(k, n);
        return target.Kind == TargetKind.SaddleUpper95 ? high : (high - low) / 2;
    }

    /// <summary>
    /// The point's state after a complete prefix of <paramref name="prefix"/>.Count samples ending at a shard boundary.
    /// </summary>
    public TargetState Look(PointStatistics prefix)
    {
        long samples = prefix.Count;
        var (k, n) = Share(prefix);
        double current = Figure(k, n, out var low, out var high);
        StopReason? stop = null;
        if (samples >= firstBatch && n > 0)
        {
            if (current <= target.Bound) stop = StopReason.TargetMet;
            else if (target.Kind == TargetKind.SaddleUpper95 && low > target.Bound) stop = StopReason.OutOfReach;
        }
        if (stop is null && samples >= maxSamples) stop = StopReason.Budget;
        long toGo = stop is null ? ProjectToGo(k, n, samples) : 0;
        return new TargetState(target, samples, k, n, low, high, current, stop, toGo);
    }

    /// <summary>
    /// Projected samples to go, assuming the share stays at k/n: the fewest more samples after which the rule would stop
    /// the point (met, or ruled out), at least the rest of the first batch, at most the rest of the budget. A guide for
    /// the allocation and the progress display, never a decision.
    /// </summary>
    public long ProjectToGo(long k, long n, long samples)
    {
        long left = Math.Max(0, maxSamples - samples);
        long batch = Math.Max(0, firstBatch - samples);
        if (left == 0) return 0;
        if (n == 0) return Math.Max(batch, Math.Min(left, firstBatch));
        double q = (double)k / n;
        Func<long, bool> decided = target.Kind == TargetKind.SaddleUpper95
            ? (q < target.Bound ? m => Figure(Round(q, m), m, out _, out _) <= target.Bound
                                : m => ConfidenceSequence.Interval95(Round(q, m), m).Low > target.Bound)
            : m => Figure(Round(q, m), m, out _, out _) <= target.Bound;
        long cap = n + left;
        if (!decided(cap)) return left;
        // The smallest m in (n, cap] that decides, by doubling then bisection (the figures are monotone in m at fixed q
        // up to the rounding of q·m).
        long lo = n, hi = n + 1;
        while (hi < cap && !decided(hi)) { lo = hi; hi = Math.Min(cap, n + 2 * (hi - n)); }
        while (hi - lo > 1 && hi - lo > lo / 1000)
        {
            long mid = lo + (hi - lo) / 2;
            if (decided(mid)) hi = mid; else lo = mid;
        }
        return Math.Min(left, Math.Max(batch, hi - n));
    }

    private static long Round(double q, long m) => Math.Min(m, (long)Math.Round(q * m));
}
