using Sweep.Numerics.Problems;
using Sweep.Numerics.Integration;

namespace Sweep.Results.Statistics;

/// <summary>
/// The empirical basin measure of one parameter point, built from per-sample results keyed by sample index (so a
/// result seen twice counts once). Counts are kept as samples arrive, so a summary costs O(labels), plus sorting the
/// hitting times when their quantiles are asked for. Pure: no I/O; the aggregator and the summary writer both use it.
/// </summary>
public sealed class PointStatistics
{
    private readonly HashSet<long> _seen = new();
    private readonly Dictionary<string, (long Count, double Critical)> _labels = new(StringComparer.Ordinal);
    private readonly List<double> _hits = new();
    private bool _hitsSorted = true;
    private long _converged, _horizon, _diverged;

    public PointStatistics(int point, string globalLabel)
    {
        Point = point;
        GlobalLabel = globalLabel;
    }

    public int Point { get; }
    public string GlobalLabel { get; }
    public int Count => _seen.Count;

    /// <summary>Adds a result; false (and nothing changes) when that sample was already counted.</summary>
    public bool Add(SampleRecord r)
    {
        if (r.Point != Point) throw new ArgumentException($"sample of point {r.Point} given to point {Point}");
        if (!_seen.Add(r.Sample)) return false;
        switch (r.Status)
        {
            case SampleStatus.Converged: _converged++; break;
            case SampleStatus.Horizon: _horizon++; break;
            default: _diverged++; return true;
        }
        _labels[r.Label] = _labels.TryGetValue(r.Label, out var e) ? (e.Count + 1, e.Critical) : (1, r.CriticalValue);
        if (!double.IsNaN(r.HitTime))
        {
            _hits.Add(r.HitTime);
            _hitsSorted = false;
        }
        return true;
    }

    /// <summary>The statistics; without <paramref name="hitQuantiles"/> the hitting-time quantiles are left out (null), for cheap live views.</summary>
    public PointSummary Summarize(bool hitQuantiles = true)
    {
        // Label fractions are over all samples of the point (with diverged ones, labels and the diverged share add up
        // to 1); the saddle-basin mass is over the non-diverged samples (MATH.md, Statistics).
        long total = _seen.Count, n = _converged + _horizon;
        var labelStats = _labels
            .OrderBy(kv => CriticalValues.ParseLabel(kv.Key) ?? int.MaxValue)
            .ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new LabelStatistics(kv.Key, kv.Value.Count, (double)kv.Value.Count / total, Proportions.Wilson(kv.Value.Count, total), kv.Value.Critical))
            .ToList();
        long global = _labels.TryGetValue(GlobalLabel, out var g) ? g.Count : 0;
        SaddleMass? saddle = n == 0 ? null : new SaddleMass((double)(n - global) / n, Proportions.Upper95(n - global, n));
        HitTimes hit;
        if (hitQuantiles && _hits.Count > 0)
        {
            if (!_hitsSorted) { _hits.Sort(); _hitsSorted = true; }
            hit = new HitTimes(_hits.Count, Proportions.Quantile(_hits, 0.1), Proportions.Quantile(_hits, 0.5), Proportions.Quantile(_hits, 0.9));
        }
        else hit = new HitTimes(_hits.Count, null, null, null);
        return new PointSummary(Point, total, _converged, _horizon, _diverged, labelStats, total == 0 ? null : (double)global / total, saddle, hit);
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
