using ScottPlot;
using Sweep.Results.Statistics;
using static Sweep.Reporting.Figures.Drawing;

namespace Sweep.Reporting.Figures;

/// <summary>The shares of the most frequent itineraries (over the group's points), one series per sequence, and the rest as 'other'.</summary>
internal sealed class ItineraryShares : IFigure<Panel>
{
    public string FileName(Panel panel) => $"itineraries-{panel.Suffix}";

    public string Caption(Panel panel) =>
        $"Saddle-to-saddle itineraries against {panel.Axis.Key}{panel.Group.Context}: the share of each of the most frequent label sequences (the Z rule at every accepted step, first label at t = 0) among the samples with an itinerary, with exact 95% (Clopper–Pearson) intervals; rarer sequences are pooled as 'other'.";

    public bool AppliesTo(ReportData data, Panel panel) => panel.Group.Points.Any(i => data.Summaries[i].Itineraries is not null);

    public void Draw(Plot plot, ReportData data, Panel panel)
    {
        var (summaries, axis, group) = (data.Summaries, panel.Axis, panel.Group);
        const int shown = 6;
        var palette = new ScottPlot.Palettes.Category10();
        var its = group.Points.Where(p => summaries[p].Itineraries is not null).ToList();
        var sequences = its.SelectMany(p => summaries[p].Itineraries!.Sequences)
            .GroupBy(q => q.Sequence).OrderByDescending(g => g.Sum(q => q.Fraction)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Take(shown).Select(g => g.Key).ToList();
        for (int k = 0; k <= sequences.Count; k++)
        {
            bool other = k == sequences.Count;
            var xs = new List<double>(); var ys = new List<double>(); var lo = new List<double>(); var hi = new List<double>();
            foreach (var p in its)
            {
                var it = summaries[p].Itineraries!;
                long count = other ? it.Count - it.Sequences.Where(q => sequences.Contains(q.Sequence)).Sum(q => q.Count)
                    : it.Sequences.FirstOrDefault(q => q.Sequence == sequences[k])?.Count ?? 0;
                if (other && count == 0) continue;
                double frac = (double)count / it.Count;
                var ci = ClopperPearson.Interval95(count, it.Count);
                xs.Add(axis.X(p)); ys.Add(frac); lo.Add(frac - ci.Low); hi.Add(ci.High - frac);
            }
            if (xs.Count == 0) continue;
            var color = other ? Colors.Gray : palette.GetColor(k);
            MarkersWithBars(plot, xs, ys, lo, hi, color, other ? "other" : sequences[k]);
        }
        FinishAgainst(plot, axis, $"Itineraries vs {axis.Key}{group.Context}", "fraction of samples with an itinerary", share: true);
    }
}
