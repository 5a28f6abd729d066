using Sweep.Numerics.Analysis;
using Sweep.Numerics.Problems;

namespace Sweep.Results.Statistics;

/// <summary>
/// The itineraries of one point (docs/math.md, Itineraries): how often each label sequence occurred, and the dwell time at
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
    private readonly int _maxSequences;
    private long _other;

    /// <param name="globalMask">The point's global label (its dwell is not measured); −1 for a shard's part (every label's is, see <see cref="Merge"/>).</param>
    /// <param name="maxSequences">Sequences counted by name; a shard's part counts every one (<see cref="int.MaxValue"/>), so that merging it in
    /// sample order admits the same ones as adding its itineraries one by one.</param>
    public ItineraryStatistics(int globalMask, double horizon, int maxSequences = MaxSequences)
    {
        _globalMask = globalMask;
        _horizon = horizon;
        _maxSequences = maxSequences;
    }

    /// <summary>Samples with an itinerary.</summary>
    public long Count { get; private set; }

    public void Add(Itinerary itinerary)
    {
        Count++;
        string key = itinerary.Sequence;
        if (_sequences.TryGetValue(key, out var n)) _sequences[key] = n + 1;
        else if (_sequences.Count < _maxSequences) _sequences[key] = 1;
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

    /// <summary>
    /// Adds a later shard's part (built with global mask −1 and no sequence bound), as if its itineraries were added one
    /// by one after everything here: sequences in the order the part first saw them (a new one is admitted while there is
    /// room, as <see cref="Add"/> does), dwells per label except at this point's global label.
    /// </summary>
    public void Merge(ItineraryStatistics part)
    {
        Count += part.Count;
        _other += part._other;
        foreach (var (key, n) in part._sequences)
        {
            if (_sequences.TryGetValue(key, out var mine)) _sequences[key] = mine + n;
            else if (_sequences.Count < _maxSequences) _sequences[key] = n;
            else _other += n;
        }
        foreach (var (mask, q) in part._dwell)
        {
            if (mask == _globalMask) continue;
            if (!_dwell.TryGetValue(mask, out var mine)) _dwell[mask] = mine = new CensoredQuantiles(_horizon);
            mine.Merge(q);
        }
    }

    /// <summary>A shard's part as <see cref="Merge"/> needs it: sequences in the order first seen, dwells per label.</summary>
    internal void Write(BinaryWriter w)
    {
        w.Write(Count);
        w.Write(_other);
        w.Write7BitEncodedInt(_sequences.Count);
        // A Dictionary that is only ever added to enumerates in insertion order: the order the sequences were first seen.
        foreach (var (key, n) in _sequences) { w.Write(key); w.Write(n); }
        w.Write7BitEncodedInt(_dwell.Count);
        foreach (var (mask, q) in _dwell) { w.Write(mask); q.Write(w); }
    }

    /// <summary>Reads what <see cref="Write"/> wrote into a shard's part; anything inconsistent is an <see cref="InvalidDataException"/>.</summary>
    internal static ItineraryStatistics Read(BinaryReader r, double horizon)
    {
        var s = new ItineraryStatistics(-1, horizon, int.MaxValue) { Count = r.ReadInt64() };
        s._other = r.ReadInt64();
        int n = r.Read7BitEncodedInt();
        long total = s._other;
        for (int i = 0; i < n; i++)
        {
            string key = r.ReadString();
            long c = r.ReadInt64();
            if (c <= 0 || !s._sequences.TryAdd(key, c)) throw new InvalidDataException("an itinerary count is damaged");
            total += c;
        }
        if (s.Count < 0 || s._other < 0 || total != s.Count) throw new InvalidDataException("the itinerary counts do not add up");
        int d = r.Read7BitEncodedInt();
        for (int i = 0; i < d; i++)
        {
            int mask = r.ReadInt32();
            if (mask < 0 || s._dwell.ContainsKey(mask)) throw new InvalidDataException("a dwell label is damaged");
            s._dwell[mask] = CensoredQuantiles.Read(r, horizon);
        }
        return s;
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
