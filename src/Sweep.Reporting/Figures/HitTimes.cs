using ScottPlot;
using Sweep.Campaigns;
using static Sweep.Reporting.Figures.Drawing;

namespace Sweep.Reporting.Figures;

/// <summary>The empirical distribution of the hitting time per point, as a share of the non-diverged samples; the rest is censored.</summary>
internal sealed class HitTimes : IFigure<Campaign>
{
    public string FileName(Campaign campaign) => "hitting-times";

    public string Caption(Campaign campaign) =>
        "Empirical CDF of the hitting time (L − L_min ≤ eps_hit) per point, as a fraction of all non-diverged samples; the gap to 1 at the right is the censored share (never hit by the stop; under until = certified a sample usually stops at its certificate, before it hits)."
        + FirstPanels(campaign);

    public bool AppliesTo(ReportData data, Campaign campaign) => true;

    public void Draw(Plot plot, ReportData data, Campaign campaign)
    {
        var stats = data.Stats;
        var palette = new ScottPlot.Palettes.Category10();
        double horizon = 0;
        bool descent = false;
        foreach (var point in campaign.Points.Take(MaxPanels))
        {
            long n = stats[point.Index].NonDiverged;
            if (n == 0) continue;
            descent = point.Spec.Dynamics.Discrete;
            double pointHorizon = point.Spec.Horizon;
            if (HasHorizon(point)) horizon = Math.Max(horizon, pointHorizon);
            // Without a horizon the curve ends at its last hit (the time scale 1e18 is no horizon).
            var steps = stats[point.Index].HitTimeSteps().ToList();
            double end = HasHorizon(point) ? pointHorizon : steps.Count > 0 ? steps[^1].Time : 0;
            var (xs, ys, hitCount) = CdfSteps(steps, n, end, t => t);
            var line = plot.Add.ScatterLine(xs, ys, palette.GetColor(point.Index % 10));
            line.ConnectStyle = ConnectStyle.StepHorizontal;
            line.LineWidth = 2;
            double censored = 1 - (double)hitCount / n;
            line.LegendText = $"p{point.Index} {ParamText(point)} — censored {censored:P0}";
        }
        if (horizon > 0)
        {
            var v = plot.Add.VerticalLine(horizon, 1, Colors.Gray, LinePattern.Dotted);
            v.Text = "horizon";
        }
        plot.Title("Hitting-time distribution (empirical CDF; censored samples never reach 1)");
        plot.XLabel(descent ? "iterations to L − L_min ≤ eps_hit" : "time to L − L_min ≤ eps_hit");
        plot.YLabel("fraction of non-diverged samples");
        // A fraction axis over [0, 1]; time from 0 (never below), a little room beyond the horizon for its label.
        plot.Axes.SetLimitsY(0, 1);
        if (horizon > 0) plot.Axes.SetLimitsX(0, horizon * 1.02);
        plot.ShowLegend(Alignment.LowerRight);
    }
}
