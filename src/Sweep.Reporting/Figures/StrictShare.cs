using ScottPlot;
using Sweep.Campaigns;
using Sweep.Numerics.Analysis;
using Sweep.Numerics.Problems;
using Sweep.Results.Statistics;
using static Sweep.Reporting.Figures.Drawing;

namespace Sweep.Reporting.Figures;

/// <summary>Strict share per label (of the analysed samples) with exact intervals, against the swept parameter.</summary>
internal sealed class StrictShare : IFigure<Panel>
{
    public string FileName(Panel panel) => $"hessian-strict-{panel.Suffix}";

    public string Caption(Panel panel) =>
        $"Share of strict saddles (λ_min < −τ) among the samples whose Hessian was analysed, per label (read at the limit for certified samples that converged, at the stop state for the others: column hessian_at), against {panel.Axis.Key}{panel.Group.Context}, with exact 95% intervals; the legend counts the analysed samples. At a stop state that is not a critical point, negative curvature of the size of the distance to a nearby non-strict saddle counts as strict.";

    public bool AppliesTo(ReportData data, Panel panel) => panel.Group.Points.Any(i => data.Campaign.Points[i].Spec.Analyses.Hessian != HessianScope.None);

    public void Draw(Plot plot, ReportData data, Panel panel)
    {
        var (summaries, axis, group) = (data.Summaries, panel.Axis, panel.Group);
        var labels = group.Points.SelectMany(p => summaries[p].Hessian.Select(h => h.Label)).Distinct()
            .OrderBy(l => CriticalValues.ParseLabel(l) ?? int.MaxValue).ToList();
        var palette = new ScottPlot.Palettes.Category10();
        for (int li = 0; li < labels.Count; li++)
        {
            var xs = new List<double>(); var ys = new List<double>(); var lo = new List<double>(); var hi = new List<double>();
            long analysed = 0;
            foreach (var p in group.Points)
            {
                var h = summaries[p].Hessian.FirstOrDefault(x => x.Label == labels[li]);
                if (h is null) continue;
                long n = h.Strict + h.NonStrict;
                analysed += n;
                double share = (double)h.Strict / n;
                var ci = ClopperPearson.Interval95(h.Strict, n);
                xs.Add(axis.X(p)); ys.Add(share); lo.Add(share - ci.Low); hi.Add(ci.High - share);
            }
            var color = palette.GetColor(li);
            MarkersWithBars(plot, xs, ys, lo, hi, color, $"{labels[li]} ({analysed} analysed)");
        }
        FinishAgainst(plot, axis, $"Strict saddles vs {axis.Key}{group.Context}", "share strict (λ_min < −τ)", share: true);
    }
}
