using Sweep.Numerics.Analysis;
using Sweep.Numerics.Problems;

namespace Sweep.Results.Statistics;

/// <summary>
/// The itineraries of one point (MATH.md, Itineraries): how often each label sequence occurred, and the dwell time at
/// each saddle visited. A dwell is the time from entering a label to entering the next one; at the label of the stop
/// it is censored (the sample was still there), and it is not measured for the global label (not a saddle) nor across
/// an omission (the next entry is unknown). Dwell quantiles are those of <see cref="CensoredQuantiles"/>: a censored
/// dwell counts as longer than every completed one, so a quantile that reaches into the censored share is null.
/// <para>
/// Memory: at most <see cref="MaxSequences"/> distinct sequences are counted by name; later new ones count in
/// <see cref="ItinerarySummary.Other"/> (the summary is folded in sample order, so which ones is reproducible), and
/// one quantile sketch per visited label (at most 2^d_y, bounded as in <see cref="CensoredQuantiles"/>).
/// </para>
/// </summary>
public sealed class ItineraryStatistics
{
    /// <summary>Distinct sequences counted by name.</summary>
    public const int MaxSequences = 4096;
    /// <summary>Sequences reported in the summary, the most frequent first.</summary>
    public const int ReportedSequences = 10;

    private readonly Dictionary<string, long> _sequences = new(StringComparer.Ordinal);
    private readonly SortedDictionary<int, CensoredQuantiles> _dwell = new();
    private readonly int _globalMask;
    private readonly double _horizon;
    private long _other;

    public ItineraryStatistics(int globalMask, double horizon)
    {
        _globalMask = globalMask;
        _horizon = horizon;
    }

    /// <summary>Samples with an itinerary.</summary>
    public long Count { get; private set; }

    public void Add(Itinerary itinerary)
    {
        Count++;
        string key = itinerary.Sequence;
        if (_sequences.TryGetValue(key, out var n)) _sequences[key] = n + 1;
        else if (_sequences.Count < MaxSequences) _sequences[key] = 1;
        else _other++;
        var e = itinerary.Entries;
        int omittedAfter = itinerary.Omitted > 0 ? e.Count - 2 : -1;
        for (int i = 0; i < e.Count; i++)
        {
            if (e[i].Mask == _globalMask || i == omittedAfter) continue;
            if (!_dwell.TryGetValue(e[i].Mask, out var q)) _dwell[e[i].Mask] = q = new CensoredQuantiles(_horizon);
            if (i + 1 < e.Count) q.Add(Math.Max(0, e[i + 1].Time - e[i].Time));
            else q.AddCensored();
        }
    }

    public ItinerarySummary Summarize()
    {
        var top = _sequences.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        var reported = top.Take(ReportedSequences)
            .Select(kv => new SequenceStatistics(kv.Key, kv.Value, (double)kv.Value / Count, ClopperPearson.Interval95(kv.Value, Count)))
            .ToList();
        long other = _other + top.Skip(ReportedSequences).Sum(kv => kv.Value);
        var dwell = _dwell.Select(kv => new DwellStatistics(CriticalValues.Label(kv.Key), kv.Value.Observed, kv.Value.Censored,
            kv.Value.Quantile(0.1), kv.Value.Quantile(0.5), kv.Value.Quantile(0.9))).ToList();
        return new ItinerarySummary(Count, reported, other, dwell);
    }
}

/// <summary>A label sequence (<c>{}&gt;{0}&gt;{0,1}</c>) and its share of the samples with an itinerary, with an exact 95% interval.</summary>
public sealed record SequenceStatistics(string Sequence, long Count, double Fraction, (double Low, double High) Ci95);

/// <summary>Dwell times at one saddle: completed dwells, dwells still running at the stop (censored), and quantiles over both (null where censored).</summary>
public sealed record DwellStatistics(string Label, long Completed, long Censored, double? P10, double? P50, double? P90);

/// <summary>The itineraries of a point: <see cref="Sequences"/> the most frequent, <see cref="Other"/> the samples of every other sequence.</summary>
public sealed record ItinerarySummary(long Count, IReadOnlyList<SequenceStatistics> Sequences, long Other, IReadOnlyList<DwellStatistics> Dwell);
