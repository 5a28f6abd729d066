using Sweep.Numerics.Integration;
using Sweep.Results;
using Sweep.Results.Statistics;

namespace Sweep.Reporting.Figures;

/// <summary>The tail rates per (point, outcome), in bounded sketches (<see cref="TailStatistics"/>).</summary>
internal sealed class TailRatesByOutcome
{
    private readonly Dictionary<(int, Outcome), TailStatistics> _rates = [];
    public void Observe(SampleRecord r)
    {
        if (double.IsNaN(r.TailRate)) return;
        if (!_rates.TryGetValue((r.Point, r.Outcome), out var s)) _rates[(r.Point, r.Outcome)] = s = new TailStatistics();
        s.Add(r with { InvariantEigenvalues = "" });
    }
    public TailStatistics? Of(int point, Outcome outcome) => _rates.GetValueOrDefault((point, outcome));
}

/// <summary>λ_min of the analysed samples, kept per point up to a cap while the store streams by: a scatter needs
/// no more dots, and the report's memory stays bounded (the strict counts come from the full statistics).</summary>
internal sealed class AnalysedEigenvalues
{
    private const int MaxPerPoint = 20_000;
    private readonly Dictionary<int, List<SampleRecord>> _byPoint = [];
    public void Observe(SampleRecord r)
    {
        if (double.IsNaN(r.HessianMin)) return;
        if (!_byPoint.TryGetValue(r.Point, out var list)) _byPoint[r.Point] = list = [];
        if (list.Count < MaxPerPoint) list.Add(r);
    }
    public List<SampleRecord> Of(int point) => _byPoint.TryGetValue(point, out var list) ? list : [];
}
