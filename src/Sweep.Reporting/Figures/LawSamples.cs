using Sweep.Campaigns;
using Sweep.Numerics.Integration;
using Sweep.Results;
using Sweep.Results.Statistics;

namespace Sweep.Reporting.Figures;

/// <summary>
/// Per point, the t_global and first-escape times of its non-diverged samples (<see cref="EventTime"/>), in sample
/// order, for the survival and escape-exponent figures and laws.json (docs/laws.md). Bounded: the first
/// <see cref="Cap"/> non-diverged samples of each point (<see cref="Capped"/> says when more were seen).
/// </summary>
public sealed class LawSamples(int points)
{
    public const int Cap = 65_536;
    private readonly List<EventTime>[] _global = Enumerable.Range(0, points).Select(_ => new List<EventTime>()).ToArray();
    private readonly List<EventTime>[] _escape = Enumerable.Range(0, points).Select(_ => new List<EventTime>()).ToArray();
    private readonly bool[] _capped = new bool[points];

    public void Observe(SampleRecord r)
    {
        if (r.Status == SampleStatus.Diverged || r.Outcome == Outcome.Diverged || r.Point < 0 || r.Point >= _global.Length) return;
        if (_global[r.Point].Count >= Cap) { _capped[r.Point] = true; return; }
        _global[r.Point].Add(EventTime.Global(r));
        if (EventTime.FirstEscape(r) is { } e) _escape[r.Point].Add(e);
    }

    public IReadOnlyList<EventTime> Global(int point) => _global[point];
    public IReadOnlyList<EventTime> Escape(int point) => _escape[point];
    public bool Capped(int point) => _capped[point];
    public bool AnyItinerary => _escape.Any(e => e.Count > 0);

    /// <summary>
    /// The points grouped by every swept parameter except <c>init.scale</c> (one group per depth in the atlas), each
    /// with its points' scales; empty when the campaign does not sweep init.scale.
    /// </summary>
    public static List<(string Context, List<(int Point, double Scale)> Points)> ScaleGroups(Campaign campaign)
    {
        if (campaign.Points.Count < 2 || !campaign.Points.All(p => p.Params.Any(kv => kv.Key == "init.scale"))) return [];
        return campaign.Points
            .GroupBy(p => string.Join(", ", p.Params.Where(kv => kv.Key != "init.scale").Select(kv => $"{kv.Key} = {kv.Value?.ToJsonString()}")))
            .Select(g => (g.Key, g.Select(p => (p.Index, Scale(p))).OrderBy(x => x.Item2).ToList()))
            .ToList();
    }

    private static double Scale(CampaignPoint p) => p.Params.First(kv => kv.Key == "init.scale").Value!.GetValue<double>();
}
