using Sweep.Messages;
using Sweep.Numerics;

namespace Sweep.Coordinator.Statistics;

/// <summary>
/// The empirical basin measure of one parameter point, built from per-sample results keyed by sample index (so a
/// result seen twice counts once). Pure: no I/O; the aggregator and the summary writer both use it.
/// </summary>
public sealed class PointStatistics
{
    private readonly Dictionary<long, SampleRecord> _samples = new();

    public PointStatistics(int point, string globalLabel)
    {
        Point = point;
        GlobalLabel = globalLabel;
    }

    public int Point { get; }
    public string GlobalLabel { get; }
    public int Count => _samples.Count;

    /// <summary>Adds a result; false (and nothing changes) when that sample was already counted.</summary>
    public bool Add(SampleRecord r)
    {
        if (r.Point != Point) throw new ArgumentException($"sample of point {r.Point} given to point {Point}");
        return _samples.TryAdd(r.Sample, r);
    }

    public PointSummary Summarize()
    {
        long converged = 0, horizon = 0, diverged = 0;
        var labels = new SortedDictionary<string, (long Count, double Critical)>(StringComparer.Ordinal);
        var hits = new List<double>();
        foreach (var r in _samples.Values)
        {
            switch ((SampleStatus)r.Status)
            {
                case SampleStatus.Converged: converged++; break;
                case SampleStatus.Horizon: horizon++; break;
                default: diverged++; continue;
            }
            labels[r.Label] = labels.TryGetValue(r.Label, out var e) ? (e.Count + 1, e.Critical) : (1, r.CriticalValue);
            if (!double.IsNaN(r.HitTime)) hits.Add(r.HitTime);
        }
        // Label fractions are over all samples of the point (with diverged ones, labels and the diverged share add up
        // to 1); the saddle-basin mass is over the non-diverged samples (MATH.md, Statistics).
        long total = _samples.Count, n = converged + horizon;
        var labelStats = labels
            .OrderBy(kv => CriticalValues.ParseLabel(kv.Key) ?? int.MaxValue)
            .Select(kv => new LabelStatistics(kv.Key, kv.Value.Count, (double)kv.Value.Count / total, Proportions.Wilson(kv.Value.Count, total), kv.Value.Critical))
            .ToList();
        long global = labels.TryGetValue(GlobalLabel, out var g) ? g.Count : 0;
        SaddleMass? saddle = n == 0 ? null : new SaddleMass((double)(n - global) / n, Proportions.Upper95(n - global, n));
        hits.Sort();
        var hit = new HitTimes(hits.Count,
            hits.Count == 0 ? null : Proportions.Quantile(hits, 0.1),
            hits.Count == 0 ? null : Proportions.Quantile(hits, 0.5),
            hits.Count == 0 ? null : Proportions.Quantile(hits, 0.9));
        return new PointSummary(Point, total, converged, horizon, diverged, labelStats, total == 0 ? null : (double)global / total, saddle, hit);
    }
}

public sealed record LabelStatistics(string Label, long Count, double Fraction, (double Low, double High) Ci95, double CriticalValue);
public sealed record SaddleMass(double Estimate, double Upper95);
public sealed record HitTimes(long Count, double? P10, double? P50, double? P90);

public sealed record PointSummary(
    int Point,
    long Samples,
    long Converged,
    long Horizon,
    long Diverged,
    IReadOnlyList<LabelStatistics> Labels,
    double? GlobalFraction,
    SaddleMass? SaddleMass,
    HitTimes HitTimes);
