namespace Sweep.Results.Statistics;

/// <summary>
/// One time per non-diverged sample as a point's merged statistics hold it (<see cref="PointStatistics.GlobalEventTimes"/>),
/// when the per-sample records are not there (aggregate storage): the observed times in the bins of a
/// <see cref="CensoredQuantiles"/> (exact below its capacity, else log bins of relative width 1e-3, each with its exact
/// count), <see cref="Never"/> samples that never have the event (certified saddles, T = +∞) and
/// <see cref="Censored"/> samples censored at their own stop, all of them at or after <see cref="EarliestCensoring"/>.
/// The binned counterpart of a list of <see cref="EventTime"/>: <see cref="SurvivalCurve"/>, <see cref="HillEstimator"/>
/// and <see cref="MedianInterval"/> read the same laws from either (docs/laws.md, *From binned times*). Pure.
/// </summary>
public sealed class BinnedEventTimes
{
    private readonly CensoredQuantiles _observed;

    /// <param name="observed">The observed times; its censored count must be <paramref name="never"/> + <paramref name="censored"/>.</param>
    /// <param name="earliestCensoring">c_min, a lower bound on every censored sample's stop (+∞ when none is censored).</param>
    public BinnedEventTimes(CensoredQuantiles observed, long never, long censored, double earliestCensoring)
    {
        ArgumentNullException.ThrowIfNull(observed);
        if (never < 0 || censored < 0 || observed.Censored != never + censored)
            throw new ArgumentException($"{never} never + {censored} censored must be the {observed.Censored} samples without an observed time");
        if ((censored == 0 && !double.IsPositiveInfinity(earliestCensoring)) || (censored > 0 && !double.IsFinite(earliestCensoring)) || !(earliestCensoring >= 0))
            throw new ArgumentOutOfRangeException(nameof(earliestCensoring), earliestCensoring, "the earliest censoring is +∞ without censoring, else finite and ≥ 0");
        _observed = observed;
        Never = never;
        Censored = censored;
        EarliestCensoring = earliestCensoring;
    }

    /// <summary>All non-diverged samples: observed, never and censored.</summary>
    public long N => Observed + Never + Censored;
    /// <summary>Samples with an observed (finite) event time.</summary>
    public long Observed => _observed.Observed;
    /// <summary>Samples that never have the event (certified saddles: T = +∞, not censored).</summary>
    public long Never { get; }
    /// <summary>Samples censored at their own stop (unresolved: budget or horizon).</summary>
    public long Censored { get; }
    /// <summary>c_min: before it every sample is at risk (+∞ when nothing is censored).</summary>
    public double EarliestCensoring { get; }
    /// <summary>
    /// Whether the observed times are kept exactly (every bin a single time), so the laws equal the record-based ones. Not
    /// the case for a point read back from an aggregate store, whose shards are stored binned.
    /// </summary>
    public bool Exact => _observed.IsExact;

    /// <summary>The observed times as ascending bins (<see cref="CensoredQuantiles.Bins"/>): exact counts, times within [Low, High].</summary>
    public IEnumerable<(double Low, double High, long Count)> Bins() => _observed.Bins();

    /// <summary>
    /// The 0-based ascending order statistic over all samples but the censored ones (observed times, then the never
    /// ones at +∞), read as <see cref="CensoredQuantiles.Quantile"/> reads it: a bin's count spread evenly over the bin,
    /// so within the bin of the exact one.
    /// </summary>
    public double OrderStatistic(long rank)
    {
        if (rank < 0 || rank >= Observed + Never) throw new ArgumentOutOfRangeException(nameof(rank), rank, "rank beyond the uncensored samples");
        return rank < Observed ? _observed.OrderStatistic(rank) : double.PositiveInfinity;
    }

    /// <summary>
    /// An upper bound on the exact order statistic of <paramref name="rank"/> (as <see cref="OrderStatistic"/> counts):
    /// the upper edge of its bin (+∞ for a never sample). Whether X₍r₎ is below a censoring time is decided on it, so that
    /// the answer is never yes where the exact time says no.
    /// </summary>
    public double OrderStatisticBound(long rank)
    {
        if (rank < 0 || rank >= Observed + Never) throw new ArgumentOutOfRangeException(nameof(rank), rank, "rank beyond the uncensored samples");
        if (rank >= Observed) return double.PositiveInfinity;
        long below = 0;
        foreach (var (_, high, count) in Bins())
        {
            below += count;
            if (rank < below) return high;
        }
        return double.PositiveInfinity;
    }

    /// <summary>The time a bin's samples stand at in a log term: the geometric midpoint, within ½ ln(High/Low) of each of them in log.</summary>
    public static double Representative(double low, double high) => low == high ? low : Math.Sqrt(low * high);
}
