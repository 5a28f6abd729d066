using Sweep.Numerics.Analysis;
using Sweep.Numerics.Integration;
using Sweep.Numerics.Problems;

namespace Sweep.Results.Statistics;

/// <summary>
/// The empirical basin measure of one parameter point (MATH.md, Statistics), folded from per-sample results as they
/// arrive. Memory does not grow with the number of samples: counts per status, outcome and label, and two
/// <see cref="CensoredQuantiles"/> (bounded by construction). Each sample must be added once — exactly-once comes from
/// the shard accounting upstream (the ledger accepts a shard once; the samples.csv cursor passes each shard once).
/// Pure: no I/O; the aggregator and the summary writer both use it.
/// </summary>
public sealed class PointStatistics
{
    private readonly Dictionary<string, (long Count, double Critical)> _labels = new(StringComparer.Ordinal);
    private readonly long[] _status = new long[3];
    private readonly long[] _outcomes = new long[4];
    private readonly CensoredQuantiles _hit, _global;
    private readonly ItineraryStatistics _itineraries;

    /// <param name="horizon">t_max (or max_iters): the censoring time, which sizes the quantile sketches.</param>
    /// <param name="flow">Gradient flow cannot diverge (Prop. 1): its diverged samples are numerical failures.</param>
    public PointStatistics(int point, string globalLabel, double horizon, bool flow)
    {
        Point = point;
        GlobalLabel = globalLabel;
        Flow = flow;
        _hit = new CensoredQuantiles(horizon);
        _global = new CensoredQuantiles(horizon);
        _itineraries = new ItineraryStatistics(CriticalValues.ParseLabel(globalLabel) ?? -1, horizon);
    }

    public int Point { get; }
    public string GlobalLabel { get; }
    public bool Flow { get; }
    public long Count { get; private set; }

    public void Add(SampleRecord r)
    {
        if (r.Point != Point) throw new ArgumentException($"sample of point {r.Point} given to point {Point}");
        Count++;
        _status[(int)r.Status]++;
        _outcomes[(int)r.Outcome]++;
        if (r.Outcome == Outcome.Diverged) return;
        _labels[r.Label] = _labels.TryGetValue(r.Label, out var e) ? (e.Count + 1, e.Critical) : (1, r.CriticalValue);
        if (double.IsNaN(r.HitTime)) _hit.AddCensored(); else _hit.Add(r.HitTime);
        if (double.IsNaN(r.GlobalTime)) _global.AddCensored(); else _global.Add(r.GlobalTime);
        if (Itinerary.Parse(r.Itinerary) is { } itinerary) _itineraries.Add(itinerary);
    }

    /// <summary>The statistics; without <paramref name="quantiles"/> the time quantiles are left out (null), for cheap live views.</summary>
    public PointSummary Summarize(bool quantiles = true)
    {
        // Label and outcome fractions are over all samples of the point (with the diverged share they add up to 1);
        // the saddle-basin bounds are over the non-diverged samples (MATH.md, Statistics).
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
            Times(_global, quantiles), Times(_hit, quantiles), Flow ? _outcomes[(int)Outcome.Diverged] : 0)
        {
            Itineraries = _itineraries.Count == 0 || !quantiles ? null : _itineraries.Summarize(),
        };
    }

    private static TimeQuantiles Times(CensoredQuantiles q, bool quantiles) => quantiles
        ? new TimeQuantiles(q.Observed, q.Quantile(0.1), q.Quantile(0.5), q.Quantile(0.9))
        : new TimeQuantiles(q.Observed, null, null, null);

    /// <summary>Share not yet certified global at time t, for the report's curve: needs every t_global, so it is computed from samples, not kept here.</summary>
    public static IReadOnlyList<(double Time, double Share)> UncertifiedShare(IEnumerable<double> globalTimes, long nonDiverged)
    {
        var times = globalTimes.Where(t => !double.IsNaN(t)).OrderBy(t => t).ToList();
        var curve = new List<(double, double)>(times.Count + 1) { (0, 1) };
        for (int i = 0; i < times.Count; i++) curve.Add((times[i], 1 - (double)(i + 1) / nonDiverged));
        return curve;
    }
}

public sealed record LabelStatistics(string Label, long Count, double Fraction, (double Low, double High) Ci95, double CriticalValue);
public sealed record OutcomeStatistics(Outcome Outcome, long Count, double Fraction, (double Low, double High) Ci95);
/// <summary>Saddle-basin mass bounds: lower = certified saddles / n, upper = (certified saddles + unresolved) / n, with exact one-sided 95% bounds.</summary>
public sealed record SaddleMass(double Lower, double Lower95, double Upper, double Upper95);
/// <summary>Right-censored time quantiles over all non-diverged samples; null = censored (beyond the share that had the event) or not computed.</summary>
public sealed record TimeQuantiles(long Count, double? P10, double? P50, double? P90);

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
}
