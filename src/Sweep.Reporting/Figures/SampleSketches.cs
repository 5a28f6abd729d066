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

/// <summary>
/// (guaranteed ρ, measured tail rate) of the samples with a prop2_rate, kept per point up to a cap (a scatter needs no
/// more dots; memory stays bounded), and per point how many had ρ = 0 (the hypotheses failed) or no tail rate.
/// </summary>
internal sealed class Prop2Pairs
{
    private const int MaxPerPoint = 20_000;
    private readonly Dictionary<int, List<(double Guaranteed, double Measured)>> _byPoint = [];
    private readonly Dictionary<int, long> _outside = [];

    public void Observe(SampleRecord r)
    {
        if (double.IsNaN(r.Prop2Rate)) return;
        if (!(r.Prop2Rate > 0) || double.IsNaN(r.TailRate)) { _outside[r.Point] = _outside.GetValueOrDefault(r.Point) + 1; return; }
        if (!_byPoint.TryGetValue(r.Point, out var list)) _byPoint[r.Point] = list = [];
        if (list.Count < MaxPerPoint) list.Add((r.Prop2Rate, r.TailRate));
    }

    public bool Any => _byPoint.Count > 0 || _outside.Count > 0;
    public List<(double Guaranteed, double Measured)> Of(int point) => _byPoint.TryGetValue(point, out var list) ? list : [];
    /// <summary>Samples of the point with ρ = 0 or without a tail rate: not drawn.</summary>
    public long Outside(int point) => _outside.GetValueOrDefault(point);
}
