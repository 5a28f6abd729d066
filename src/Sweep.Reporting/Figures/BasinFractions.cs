using ScottPlot;
using Sweep.Campaigns;
using Sweep.Numerics.Problems;
using Sweep.Results.Statistics;
using static Sweep.Reporting.Figures.Drawing;

namespace Sweep.Reporting.Figures;

/// <summary>Share of each label at the stop, with exact intervals, against the swept parameter.</summary>
internal sealed class BasinFractions : IFigure<Panel>
{
    public string FileName(Panel panel) => $"fractions-{panel.Suffix}";

    public string Caption(Panel panel) =>
        $"Where samples were at the stop: the share of each label at the stop (of all samples; diverged samples have no label) against {panel.Axis.Key}{panel.Group.Context}, with exact 95% (Clopper–Pearson) intervals. A label says where a sample was when it stopped, not where it goes: see the outcomes for what is certified.";

    public bool AppliesTo(ReportData data, Panel panel) => true;

    public void Draw(Plot plot, ReportData data, Panel panel)
    {
        var (campaign, summaries, axis, group) = (data.Campaign, data.Summaries, panel.Axis, panel.Group);
        var labels = group.Points.SelectMany(p => summaries[p].Labels.Select(l => l.Label)).Distinct()
            .OrderBy(l => CriticalValues.ParseLabel(l) ?? int.MaxValue).ToList();
        var palette = new ScottPlot.Palettes.Category10();
        for (int li = 0; li < labels.Count; li++)
        {
            var label = labels[li];
            var xs = new List<double>(); var ys = new List<double>(); var lo = new List<double>(); var hi = new List<double>();
            foreach (var p in group.Points)
            {
                var s = summaries[p];
                if (s.Samples == 0) continue;
                var l = s.Labels.FirstOrDefault(x => x.Label == label);
                double frac = l?.Fraction ?? 0;
                var ci = l?.Ci95 ?? ClopperPearson.Interval95(0, s.Samples);
                xs.Add(axis.X(p)); ys.Add(frac); lo.Add(frac - ci.Low); hi.Add(ci.High - frac);
            }
            if (xs.Count == 0) continue;
            var color = palette.GetColor(li);
            bool global = campaign.Points[group.Points[0]].Problem.CriticalValues.GlobalMask == CriticalValues.ParseLabel(label);
            MarkersWithBars(plot, xs, ys, lo, hi, color, global ? $"{label} (global min)" : label);
        }
        FinishAgainst(plot, axis, $"Where samples were at the stop vs {axis.Key}{group.Context}", "fraction of samples", share: true);
    }
}
