using ScottPlot;
using Sweep.Campaigns;
using Sweep.Numerics.Analysis;
using static Sweep.Reporting.Figures.Drawing;

namespace Sweep.Reporting.Figures;

/// <summary>−λ_min of every analysed sample (log scale, slightly spread horizontally) with τ marked per point.</summary>
internal sealed class SmallestEigenvalues : IFigure<Panel>
{
    public string FileName(Panel panel) => $"hessian-min-{panel.Suffix}";

    public string Caption(Panel panel) =>
        $"Smallest Hessian eigenvalue λ_min of every analysed sample (at its limit where it converged, else at its stop) against {panel.Axis.Key}{panel.Group.Context}, as −λ_min on a log scale (samples with λ_min ≥ 0 at the bottom edge); the black bars are τ, below which a negative eigenvalue does not count (non-strict).";

    public bool AppliesTo(ReportData data, Panel panel) => panel.Group.Points.Any(i => data.Campaign.Points[i].Spec.Analyses.Hessian != HessianScope.None);

    public void Draw(Plot plot, ReportData data, Panel panel)
    {
        var (campaign, eigen, axis, group) = (data.Campaign, data.Eigenvalues, panel.Axis, panel.Group);
        const double floor = 1e-12;
        var palette = new ScottPlot.Palettes.Category10();
        double spread = 0.15 * (group.Points.Count > 1 ? group.Points.Select(axis.X).Distinct().OrderBy(x => x).Zip(group.Points.Select(axis.X).Distinct().OrderBy(x => x).Skip(1), (a, b) => b - a).DefaultIfEmpty(1).Min() : 1);
        foreach (var p in group.Points)
        {
            var mine = eigen.Of(p);
            if (mine.Count == 0) continue;
            double x0 = axis.X(p);
            var xs = mine.Select((_, i) => x0 + spread * ((i * 0.618034) % 1 - 0.5)).ToArray();
            var ys = mine.Select(s => Math.Log10(Math.Max(-s.HessianMin, floor))).ToArray();
            var dots = plot.Add.ScatterPoints(xs, ys, palette.GetColor(p % 10));
            dots.MarkerSize = 4;
            dots.LegendText = $"p{p}: {mine.Count(s => s.HessianNegative > 0)} strict of {mine.Count}";
            double tau = HessianSpectrum.ToleranceFor(campaign.Points[p].Problem);
            var t = plot.Add.Line(x0 - spread, Math.Log10(tau), x0 + spread, Math.Log10(tau));
            t.Color = Colors.Black;
            t.LineWidth = 2;
        }
        LogY(plot);
        FinishAgainst(plot, axis, $"Smallest Hessian eigenvalue vs {axis.Key}{group.Context}", "−λ_min (log scale; black bars: τ)");
    }
}
