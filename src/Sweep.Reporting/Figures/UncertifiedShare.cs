using ScottPlot;
using Sweep.Campaigns;
using Sweep.Results.Output;
using Sweep.Results.Statistics;
using static Sweep.Reporting.Figures.Drawing;

namespace Sweep.Reporting.Figures;

/// <summary>1 − (certified global by t) / n per point on a log-time axis, with the horizon marked.</summary>
internal sealed class UncertifiedShare : IFigure<Campaign>
{
    public string FileName(Campaign campaign) => "uncertified-share";

    public string Caption(Campaign campaign) =>
        "Share of samples not yet certified global against time (log-time axis), per point: the upper share (certified saddles + unresolved) that a horizon at t would leave. The overfitting conjecture implies it tends to 0; "
        + (campaign.Points.Any(p => !HasHorizon(p))
            ? "without a horizon each curve ends at the point's last certification or stop."
            : "the dotted line marks the horizon, beyond which nothing is known.")
        + FirstPanels(campaign);

    public bool AppliesTo(ReportData data, Campaign campaign) => true;

    public void Draw(Plot plot, ReportData data, Campaign campaign)
    {
        var stats = data.Stats;
        var palette = new ScottPlot.Palettes.Category10();
        double horizon = 0, first = double.PositiveInfinity;
        bool descent = false;
        foreach (var point in campaign.Points.Take(MaxPanels))
        {
            long n = stats[point.Index].NonDiverged;
            if (n == 0) continue;
            descent = point.Spec.Dynamics.Discrete;
            if (HasHorizon(point)) horizon = Math.Max(horizon, point.Spec.Horizon);
            var curve = PointStatistics.UncertifiedShare(stats[point.Index].GlobalTimeSteps(), n);
            // Without a horizon the curve ends at its last certification (the time scale 1e18 is no horizon).
            bool unbounded = !HasHorizon(point);
            double end = unbounded ? (curve[^1].Time > 0 ? curve[^1].Time : 1) : point.Spec.Horizon;
            // Log time: the start (t = 0) sits one decade below the first certification (or the end).
            double t0 = curve.Count > 1 ? Math.Max(curve[1].Time, 1e-9 * end) : end;
            first = Math.Min(first, t0 / 10);
            var xs = curve.Select((c, i) => Math.Log10(i == 0 ? t0 / 10 : Math.Max(c.Time, t0 / 10))).Append(Math.Log10(end)).ToArray();
            var ys = curve.Select(c => c.Share).Append(curve[^1].Share).ToArray();
            var line = plot.Add.ScatterLine(xs, ys, palette.GetColor(point.Index % 10));
            line.ConnectStyle = ConnectStyle.StepHorizontal;
            line.LineWidth = 2;
            line.LegendText = $"p{point.Index} {ParamText(point)} — {curve[^1].Share:P1} {(unbounded ? "at the end" : "at the horizon")}";
        }
        if (horizon > 0)
        {
            var v = plot.Add.VerticalLine(Math.Log10(horizon), 1, Colors.Gray, LinePattern.Dotted);
            v.Text = "horizon";
        }
        plot.Axes.Bottom.TickGenerator = LogTicks(x => Display.Short(Math.Pow(10, x)));
        plot.Title("Share not yet certified global (log time)");
        plot.XLabel(descent ? "iteration (log scale)" : "time t (log scale)");
        plot.YLabel("share of non-diverged samples");
        plot.Axes.SetLimitsY(0, 1);
        plot.ShowLegend(Alignment.LowerLeft);
    }
}
