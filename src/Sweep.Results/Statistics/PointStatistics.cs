using Sweep.Numerics.Analysis;
using Sweep.Numerics.Integration;
using Sweep.Numerics.Problems;

namespace Sweep.Results.Statistics;

/// <summary>
/// The empirical basin measure of one parameter point (docs/statistics.md), folded from per-sample results as they
/// arrive. Memory does not grow with the number of samples: counts per status, outcome and label, and two
/// <see cref="CensoredQuantiles"/> (bounded by construction). Each sample must be added once — exactly-once comes from
/// the shard accounting upstream (the ledger accepts a shard once; the samples.csv cursor passes each shard once).
/// Pure: no I/O; the aggregator and the summary writer both use it.
/// </summary>
public sealed class PointStatistics
{
    private readonly Dictionary<string, (long Count, double Critical)> _labels = new(StringComparer.Ordinal);
    // Per label: strict and non-strict among the samples analysed at their stop, then among those analysed at their limit.
    private readonly Dictionary<string, (long Strict, long NonStrict, long StrictLimit, long NonStrictLimit)> _hessian = new(StringComparer.Ordinal);
    private readonly long[] _status = new long[4];   // by SampleStatus: converged, horizon, diverged, budget
    private readonly long[] _outcomes = new long[4];
    private readonly CensoredQuantiles _hit, _global;
    private ItineraryStatistics _itineraries;
    private TailStatistics _tails = new();
    // The earliest stop of a sample stopped by its step budget (runs without a horizon): such a sample is censored at
    // its own stop, so a quantile beyond that time might hide its event and is reported as censored (null).
    private double _firstBudgetStop = double.PositiveInfinity;
    // A shard's exact part (OfShardExact, DecodeExact): its itineraries and tail rates merge too.
    private bool _exactPart;

    /// <param name="horizon">t_max (or max_iters): the censoring time, which sizes the quantile sketches.</param>
    /// <param name="flow">Gradient flow cannot diverge (Prop. 1): its diverged samples are numerical failures.</param>
    public PointStatistics(int point, string globalLabel, double horizon, bool flow)
        : this(point, globalLabel, flow, new CensoredQuantiles(horizon), new CensoredQuantiles(horizon)) { }

    private PointStatistics(int point, string globalLabel, bool flow, CensoredQuantiles hit, CensoredQuantiles global, int maxSequences = ItineraryStatistics.MaxSequences)
    {
        Point = point;
        GlobalLabel = globalLabel;
        Flow = flow;
        Horizon = hit.Scale;
        _hit = hit;
        _global = global;
        _itineraries = new ItineraryStatistics(CriticalValues.ParseLabel(globalLabel) ?? -1, hit.Scale, maxSequences);
    }

    /// <summary>
    /// The compact, mergeable statistics of one shard, stored beside its samples: counts exactly, times binned from the
    /// first (<see cref="CensoredQuantiles.Histogram"/>). Only for <see cref="Merge"/> into a point's statistics.
    /// </summary>
    public static PointStatistics ForShard(int point, double horizon) =>
        new(point, "", false, CensoredQuantiles.Histogram(horizon), CensoredQuantiles.Histogram(horizon));

    /// <summary>The statistics of one shard's <paramref name="samples"/> (<see cref="ForShard"/>), as the store keeps them.</summary>
    public static PointStatistics OfShard(int point, double horizon, IEnumerable<SampleRecord> samples)
    {
        var stats = ForShard(point, horizon);
        foreach (var s in samples) stats.Add(s);
        return stats;
    }

    /// <summary>
    /// A shard's exact part, which the worker that solved it encodes (<see cref="EncodeExact"/>) so that the coordinator
    /// merges it instead of folding every sample: times kept as they are (exact, as the point's own), itineraries with
    /// every sequence and every label's dwell, tail rates. <see cref="Merge"/>d in sample order into a point's statistics
    /// it gives the state adding its samples one by one would.
    /// </summary>
    public static PointStatistics OfShardExact(int point, double horizon, IEnumerable<SampleRecord> samples)
    {
        var stats = new PointStatistics(point, "", false, new CensoredQuantiles(horizon), new CensoredQuantiles(horizon), int.MaxValue) { _exactPart = true };
        foreach (var s in samples) stats.Add(s);
        return stats;
    }

    public double Horizon { get; }

    public int Point { get; }
    public string GlobalLabel { get; }
    public bool Flow { get; }
    public long Count { get; private set; }

    /// <summary>Samples with outcome <paramref name="o"/>.</summary>
    public long OutcomeCount(Outcome o) => _outcomes[(int)o];

    public void Add(SampleRecord r)
    {
        if (r.Point != Point) throw new ArgumentException($"sample of point {r.Point} given to point {Point}");
        Count++;
        _tails.Add(r);
        _status[(int)r.Status]++;
        _outcomes[(int)r.Outcome]++;
        if (r.Status == SampleStatus.Budget) _firstBudgetStop = Math.Min(_firstBudgetStop, r.StopTime);
        if (r.Outcome == Outcome.Diverged) return;
        _labels[r.Label] = _labels.TryGetValue(r.Label, out var e) ? (e.Count + 1, e.Critical) : (1, r.CriticalValue);
        if (!double.IsNaN(r.HessianNegative))
        {
            var h = _hessian.TryGetValue(r.Label, out var x) ? x : (0, 0, 0, 0);
            bool strict = r.HessianNegative > 0;
            _hessian[r.Label] = r.HessianAt == "limit"
                ? (h.Strict, h.NonStrict, h.StrictLimit + (strict ? 1 : 0), h.NonStrictLimit + (strict ? 0 : 1))
                : (h.Strict + (strict ? 1 : 0), h.NonStrict + (strict ? 0 : 1), h.StrictLimit, h.NonStrictLimit);
        }
        if (double.IsNaN(r.HitTime)) _hit.AddCensored(); else _hit.Add(r.HitTime);
        if (double.IsNaN(r.GlobalTime)) _global.AddCensored(); else _global.Add(r.GlobalTime);
        if (Itinerary.Parse(r.Itinerary) is { } itinerary) _itineraries.Add(itinerary);
    }

    /// <summary>Non-diverged samples: the n of the saddle-mass bounds and of the time quantiles.</summary>
    public long NonDiverged => Count - _outcomes[(int)Outcome.Diverged];

    /// <summary>Whether every time quantile is exact (not read from a histogram).</summary>
    public bool ExactTimes => _hit.IsExact && _global.IsExact;

    /// <summary>The certified-global times as steps of their distribution (<see cref="CensoredQuantiles.Steps"/>).</summary>
    public IEnumerable<(double Time, long Cumulative)> GlobalTimeSteps() => _global.Steps();

    /// <summary>
    /// t_global of the non-diverged samples as these statistics hold them (<see cref="BinnedEventTimes"/>): the observed
    /// times, the certified saddles (never), the unresolved samples censored at their stop. The stops are not stored, only
    /// bounded: a budget stop at or after the earliest one, a horizon stop at the horizon; when more samples are
    /// unresolved than were stopped by budget or horizon, some stopped (converged without a certificate) at a time not
    /// kept, and c_min is 0 (nothing is claimed past t = 0). Null when the counts do not add up (a certified-global
    /// sample without a time).
    /// </summary>
    public BinnedEventTimes? GlobalEventTimes()
    {
        long saddles = _outcomes[(int)Outcome.Saddle], unresolved = _outcomes[(int)Outcome.Unresolved];
        if (_global.Censored != saddles + unresolved) return null;
        long budget = _status[(int)SampleStatus.Budget], horizon = _status[(int)SampleStatus.Horizon];
        double cmin = unresolved == 0 ? double.PositiveInfinity
            : unresolved > budget + horizon ? 0
            : Math.Min(budget > 0 ? _firstBudgetStop : double.PositiveInfinity, horizon > 0 ? Horizon : double.PositiveInfinity);
        return new BinnedEventTimes(_global, saddles, unresolved, cmin);
    }

    /// <summary>The hitting times as steps of their distribution (<see cref="CensoredQuantiles.Steps"/>).</summary>
    public IEnumerable<(double Time, long Cumulative)> HitTimeSteps() => _hit.Steps();

    /// <summary>Adds everything <paramref name="other"/> (of the same point and horizon) counted; <paramref name="other"/> is unchanged.</summary>
    public void Merge(PointStatistics other)
    {
        if (other.Point != Point) throw new ArgumentException($"statistics of point {other.Point} merged into point {Point}");
        Count += other.Count;
        for (int i = 0; i < _status.Length; i++) _status[i] += other._status[i];
        for (int i = 0; i < _outcomes.Length; i++) _outcomes[i] += other._outcomes[i];
        _firstBudgetStop = Math.Min(_firstBudgetStop, other._firstBudgetStop);
        foreach (var (label, e) in other._labels)
            _labels[label] = _labels.TryGetValue(label, out var mine) ? (mine.Count + e.Count, mine.Critical) : e;
        foreach (var (label, h) in other._hessian)
            _hessian[label] = _hessian.TryGetValue(label, out var mine)
                ? (mine.Strict + h.Strict, mine.NonStrict + h.NonStrict, mine.StrictLimit + h.StrictLimit, mine.NonStrictLimit + h.NonStrictLimit) : h;
        _hit.Merge(other._hit);
        _global.Merge(other._global);
        // Only a shard's exact part carries itineraries and tail rates for the point (a stored shard's statistics do not).
        if (other._exactPart)
        {
            _itineraries.Merge(other._itineraries);
            _tails.Merge(other._tails);
        }
    }

    /// <summary>The wire form of a shard's exact part (<see cref="OfShardExact"/>): counts, labels, Hessian counts, times, itineraries, tail rates.</summary>
    public byte[] EncodeExact()
    {
        using var buffer = new MemoryStream(64 + 24 * (int)Math.Min(Count, 1 << 20));
        using (var w = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write(ExactFormat);
            w.Write(Count);
            foreach (long c in _status) w.Write(c);
            w.Write(_firstBudgetStop);
            foreach (long c in _outcomes) w.Write(c);
            w.Write7BitEncodedInt(_labels.Count);
            foreach (var (label, e) in _labels) { w.Write(label); w.Write(e.Count); w.Write(e.Critical); }
            w.Write7BitEncodedInt(_hessian.Count);
            foreach (var (label, h) in _hessian) { w.Write(label); w.Write(h.Strict); w.Write(h.NonStrict); w.Write(h.StrictLimit); w.Write(h.NonStrictLimit); }
            _hit.Write(w);
            _global.Write(w);
            _itineraries.Write(w);
            _tails.Write(w);
        }
        return buffer.ToArray();
    }

    /// <summary>Reads what <see cref="EncodeExact"/> wrote for <paramref name="point"/>; anything inconsistent is an <see cref="InvalidDataException"/>.</summary>
    public static PointStatistics DecodeExact(int point, double horizon, byte[] data)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(data, writable: false), System.Text.Encoding.UTF8);
            if (r.ReadByte() != ExactFormat) throw new InvalidDataException("unknown exact statistics format");
            long count = r.ReadInt64();
            var status = new long[4];
            var outcomes = new long[4];
            for (int i = 0; i < status.Length; i++) status[i] = r.ReadInt64();
            double firstBudgetStop = r.ReadDouble();
            for (int i = 0; i < outcomes.Length; i++) outcomes[i] = r.ReadInt64();
            var labels = ReadLabels(r);
            var hessian = ReadHessianCounts(r, labels, limitCounts: true);
            var hit = CensoredQuantiles.Read(r, horizon);
            var global = CensoredQuantiles.Read(r, horizon);
            var itineraries = ItineraryStatistics.Read(r, hit.Scale);
            var tails = TailStatistics.Read(r);
            long nonDiverged = count - outcomes[(int)Outcome.Diverged];
            if (r.BaseStream.Position != data.Length || count < 0 || status.Any(c => c < 0) || outcomes.Any(c => c < 0) || status.Sum() != count || outcomes.Sum() != count
                || labels.Values.Sum(v => v.Item1) != nonDiverged || hit.Total != nonDiverged || global.Total != nonDiverged
                || itineraries.Count > nonDiverged || tails.Folded != count || !(firstBudgetStop >= 0))
                throw new InvalidDataException("its counts do not add up");
            var s = new PointStatistics(point, "", false, hit, global) { Count = count, _firstBudgetStop = firstBudgetStop, _itineraries = itineraries, _tails = tails, _exactPart = true };
            return s.Filled(status, outcomes, labels, hessian);
        }
        catch (EndOfStreamException e) { throw new InvalidDataException("it ends early", e); }
    }

    private const byte ExactFormat = 0x58;     // 'X': never one of the stored formats (1–4)

    /// <summary>The stored form of a shard's statistics (<see cref="ForShard"/>): format byte, counts, labels, both time histograms.</summary>
    public byte[] Encode()
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            // Format 1 has three status counts; a shard with budget-stopped samples (runs without a horizon) needs format 2.
            bool budget = _status[(int)SampleStatus.Budget] != 0;
            // Formats 3 and 4 (1 and 2 with Hessian counts at the limit too) only where some sample was analysed at its
            // limit, so that the stored statistics of every other campaign keep their bytes.
            bool limit = _hessian.Values.Any(h => h.StrictLimit + h.NonStrictLimit > 0);
            w.Write((byte)((budget ? BudgetFormat : EncodingFormat) + (limit ? LimitFormats : 0)));
            w.Write(Count);
            for (int i = 0; i < (budget ? 4 : 3); i++) w.Write(_status[i]);
            if (budget) w.Write(_firstBudgetStop);
            foreach (long c in _outcomes) w.Write(c);
            w.Write7BitEncodedInt(_labels.Count);
            foreach (var (label, e) in _labels.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.Write(label);
                w.Write(e.Count);
                w.Write(e.Critical);
            }
            _hit.WriteHistogram(w);
            _global.WriteHistogram(w);
            w.Write7BitEncodedInt(_hessian.Count);
            foreach (var (label, h) in _hessian.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.Write(label);
                w.Write(h.Strict);
                w.Write(h.NonStrict);
                if (limit)
                {
                    w.Write(h.StrictLimit);
                    w.Write(h.NonStrictLimit);
                }
            }
        }
        return buffer.ToArray();
    }

    /// <summary>Reads what <see cref="Encode"/> wrote for <paramref name="point"/>; anything inconsistent is an <see cref="InvalidDataException"/>.</summary>
    public static PointStatistics Decode(int point, double horizon, byte[] data)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(data, writable: false), System.Text.Encoding.UTF8);
            byte format = r.ReadByte();
            bool limit = format > BudgetFormat;
            if (limit) format -= LimitFormats;
            if (format != EncodingFormat && format != BudgetFormat) throw new InvalidDataException("unknown statistics format");
            long count = r.ReadInt64();
            var status = new long[format == BudgetFormat ? 4 : 3];
            var outcomes = new long[4];
            for (int i = 0; i < status.Length; i++) status[i] = r.ReadInt64();
            double firstBudgetStop = format == BudgetFormat ? r.ReadDouble() : double.PositiveInfinity;
            if (format == BudgetFormat && !(firstBudgetStop >= 0)) throw new InvalidDataException("the first budget stop is damaged");
            for (int i = 0; i < outcomes.Length; i++) outcomes[i] = r.ReadInt64();
            var labels = ReadLabels(r);
            var hit = CensoredQuantiles.ReadHistogram(r, horizon);
            var global = CensoredQuantiles.ReadHistogram(r, horizon);
            var hessian = ReadHessianCounts(r, labels, limitCounts: limit);
            long nonDiverged = count - outcomes[(int)Outcome.Diverged];
            if (r.BaseStream.Position != data.Length || count < 0 || status.Any(c => c < 0) || outcomes.Any(c => c < 0) || status.Sum() != count || outcomes.Sum() != count
                || labels.Values.Sum(v => v.Item1) != nonDiverged || hit.Total != nonDiverged || global.Total != nonDiverged)
                throw new InvalidDataException("its counts do not add up");
            var s = new PointStatistics(point, "", false, hit, global) { Count = count, _firstBudgetStop = firstBudgetStop };
            return s.Filled(status, outcomes, labels, hessian);
        }
        catch (EndOfStreamException e) { throw new InvalidDataException("it ends early", e); }
    }

    private const byte EncodingFormat = 1, BudgetFormat = 2, LimitFormats = 2;

    // The parts both decoders read alike: label counts with their critical values, and the Hessian counts per label (the
    // two at-the-limit counts present when limitCounts), each checked against the labels.
    private static Dictionary<string, (long, double)> ReadLabels(BinaryReader r)
    {
        var labels = new Dictionary<string, (long, double)>(StringComparer.Ordinal);
        int n = r.Read7BitEncodedInt();
        for (int i = 0; i < n; i++)
        {
            string label = r.ReadString();
            long c = r.ReadInt64();
            if (c <= 0 || !labels.TryAdd(label, (c, r.ReadDouble()))) throw new InvalidDataException("a label count is damaged");
        }
        return labels;
    }

    private static Dictionary<string, (long, long, long, long)> ReadHessianCounts(BinaryReader r, Dictionary<string, (long, double)> labels, bool limitCounts)
    {
        var hessian = new Dictionary<string, (long, long, long, long)>(StringComparer.Ordinal);
        int nh = r.Read7BitEncodedInt();
        for (int i = 0; i < nh; i++)
        {
            string label = r.ReadString();
            long strict = r.ReadInt64(), nonStrict = r.ReadInt64();
            long strictLimit = limitCounts ? r.ReadInt64() : 0, nonStrictLimit = limitCounts ? r.ReadInt64() : 0;
            if (strict < 0 || nonStrict < 0 || strictLimit < 0 || nonStrictLimit < 0 || !labels.TryGetValue(label, out var l)
                || strict + nonStrict + strictLimit + nonStrictLimit > l.Item1 || !hessian.TryAdd(label, (strict, nonStrict, strictLimit, nonStrictLimit)))
                throw new InvalidDataException("a Hessian count is damaged");
        }
        return hessian;
    }

    private PointStatistics Filled(long[] status, long[] outcomes, Dictionary<string, (long, double)> labels, Dictionary<string, (long, long, long, long)> hessian)
    {
        status.CopyTo(_status, 0);
        outcomes.CopyTo(_outcomes, 0);
        foreach (var (k, v) in labels) _labels[k] = v;
        foreach (var (k, v) in hessian) _hessian[k] = v;
        return this;
    }

    /// <summary>The statistics; without <paramref name="quantiles"/> the time quantiles are left out (null), for cheap live views.</summary>
    public PointSummary Summarize(bool quantiles = true)
    {
        // Label and outcome fractions are over all samples of the point (with the diverged share they add up to 1);
        // the saddle-basin bounds are over the non-diverged samples (docs/statistics.md).
        long total = Count;
        long n = total - _outcomes[(int)Outcome.Diverged];
        var labels = _labels
            .OrderBy(kv => CriticalValues.ParseLabel(kv.Key) ?? int.MaxValue)
            .ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new LabelStatistics(kv.Key, kv.Value.Count, (double)kv.Value.Count / total, ClopperPearson.Interval95(kv.Value.Count, total), kv.Value.Critical))
            .ToList();
        var outcomes = Enum.GetValues<Outcome>()
            .Select(o => new OutcomeStatistics(o, _outcomes[(int)o], total == 0 ? 0 : (double)_outcomes[(int)o] / total,
                total == 0 ? (0, 1) : ClopperPearson.Interval95(_outcomes[(int)o], total)))
            .ToList();
        long global = _labels.TryGetValue(GlobalLabel, out var g) ? g.Count : 0;
        long saddles = _outcomes[(int)Outcome.Saddle], unresolved = _outcomes[(int)Outcome.Unresolved];
        SaddleMass? mass = n == 0 ? null : new SaddleMass(
            (double)saddles / n, ClopperPearson.Lower95(saddles, n),
            (double)(saddles + unresolved) / n, ClopperPearson.Upper95(saddles + unresolved, n));
        return new PointSummary(Point, total, _status[(int)SampleStatus.Converged], _status[(int)SampleStatus.Horizon], _status[(int)SampleStatus.Diverged],
            labels, total == 0 ? null : (double)global / total, outcomes, mass,
            Times(_global, quantiles, _firstBudgetStop), Times(_hit, quantiles, _firstBudgetStop), Flow ? _outcomes[(int)Outcome.Diverged] : 0)
        {
            Hessian = _hessian
                .OrderBy(kv => CriticalValues.ParseLabel(kv.Key) ?? int.MaxValue)
                .ThenBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => new HessianCounts(kv.Key, kv.Value.Strict + kv.Value.StrictLimit, kv.Value.NonStrict + kv.Value.NonStrictLimit)
                {
                    StrictAtLimit = kv.Value.StrictLimit,
                    NonStrictAtLimit = kv.Value.NonStrictLimit,
                })
                .ToList(),
            Itineraries = _itineraries.Count == 0 || !quantiles ? null : _itineraries.Summarize(),
            Tails = quantiles && _tails.Folded > 0 ? _tails : null,
            Budget = _status[(int)SampleStatus.Budget],
        };
    }

    /// <summary>
    /// The quantiles with every censored sample after every event (<see cref="CensoredQuantiles"/>); a sample stopped by
    /// its budget is censored at its own stop instead, so a quantile beyond the earliest such stop, which that sample's
    /// event might precede, is censored too (null). Below it every censoring time lies after the quantile and the
    /// empirical quantile is the Kaplan–Meier one.
    /// </summary>
    private static TimeQuantiles Times(CensoredQuantiles q, bool quantiles, double firstBudgetStop)
    {
        if (!quantiles) return new TimeQuantiles(q.Observed, null, null, null);
        double? Within(double? v) => v is { } x && x <= firstBudgetStop ? x : null;
        return new TimeQuantiles(q.Observed, Within(q.Quantile(0.1)), Within(q.Quantile(0.5)), Within(q.Quantile(0.9)), !q.IsExact);
    }

    /// <summary>Share not yet certified global at time t, for the report's curve, from the steps of the t_global distribution (<see cref="GlobalTimeSteps"/>).</summary>
    public static IReadOnlyList<(double Time, double Share)> UncertifiedShare(IEnumerable<(double Time, long Cumulative)> globalTimeSteps, long nonDiverged)
    {
        var curve = new List<(double, double)> { (0, 1) };
        foreach (var (t, below) in globalTimeSteps) curve.Add((t, 1 - (double)below / nonDiverged));
        return curve;
    }
}

public sealed record LabelStatistics(string Label, long Count, double Fraction, (double Low, double High) Ci95, double CriticalValue);
public sealed record OutcomeStatistics(Outcome Outcome, long Count, double Fraction, (double Low, double High) Ci95);
/// <summary>Saddle-basin mass bounds: lower = certified saddles / n, upper = (certified saddles + unresolved) / n, with exact one-sided 95% bounds.</summary>
public sealed record SaddleMass(double Lower, double Lower95, double Upper, double Upper95);
/// <summary>Right-censored time quantiles over all non-diverged samples; null = censored (beyond the share that had the event) or not computed.</summary>
/// <remarks><paramref name="Binned"/>: read from the log-binned histogram (within a relative 1e-3 of the exact quantile), not from every time.</remarks>
public sealed record TimeQuantiles(long Count, double? P10, double? P50, double? P90, bool Binned = false);

/// <summary>
/// Of the samples at one label whose Hessian was analysed: how many were strict saddles (λ_min &lt; −τ) and how many not,
/// and of those how many were read at their limit (certified and converged: <c>hessian_at = limit</c>); the rest were
/// read at their stop state (unresolved samples, or certified ones stopped before converging).
/// </summary>
public sealed record HessianCounts(string Label, long Strict, long NonStrict)
{
    public long StrictAtLimit { get; init; }
    public long NonStrictAtLimit { get; init; }
    public long StrictAtStop => Strict - StrictAtLimit;
    public long NonStrictAtStop => NonStrict - NonStrictAtLimit;
}

public sealed record PointSummary(
    int Point,
    long Samples,
    long Converged,
    long Horizon,
    long Diverged,
    IReadOnlyList<LabelStatistics> Labels,
    double? GlobalFraction,
    IReadOnlyList<OutcomeStatistics> Outcomes,
    SaddleMass? SaddleMass,
    TimeQuantiles GlobalTimes,
    TimeQuantiles HitTimes,
    long FlowDiverged)
{
    /// <summary>The itineraries of the samples that recorded one (analysis.itinerary); null when none did or for a live view.</summary>
    public ItinerarySummary? Itineraries { get; init; }

    public OutcomeStatistics Of(Outcome o) => Outcomes.First(x => x.Outcome == o);

    /// <summary>Samples stopped by their step budget (max_steps) before their until condition: status budget.</summary>
    public long Budget { get; init; }

    /// <summary>Strict and non-strict counts per label of the samples whose Hessian was analysed (empty when none was).</summary>
    public IReadOnlyList<HessianCounts> Hessian { get; init; } = [];

    /// <summary>The tail rates and invariant eigenvalues folded so far (<see cref="TailStatistics.Summarize"/>); null for a live view.</summary>
    public TailStatistics? Tails { get; init; }
}
