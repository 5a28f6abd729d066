using ScottPlot;
using Sweep.Campaigns;
using Sweep.Results.Output;
using static Sweep.Reporting.Figures.Drawing;

namespace Sweep.Reporting.Figures;

/// <summary>Per point of a dynamics sweep: share certified global by iteration k (solid) and share that hit L − L_min ≤ eps_hit by k (dashed).</summary>
internal sealed class MethodTimes : IFigure<Campaign>
{
    public string FileName(Campaign campaign) => "methods-times";

    public string Caption(Campaign campaign) =>
        "Per method: share of non-diverged samples certified global by iteration k (t_global, solid) and share that hit L − L_min ≤ eps_hit by k (t_hit, dashed); the gap to 1 at the horizon is censored. The loss of momentum, Nesterov, Adam and sgd is not monotone, so they certify later than they hit.";

    public bool AppliesTo(ReportData data, Campaign campaign) => ReportBuilder.SweepsDynamics(campaign);

    public void Draw(Plot plot, ReportData data, Campaign campaign)
    {
        var stats = data.Stats;
        var palette = new ScottPlot.Palettes.Category10();
        double horizon = 0;
        bool discrete = true;
        foreach (var point in campaign.Points.Take(MaxPanels))
        {
            long n = stats[point.Index].NonDiverged;
            if (n == 0) continue;
            double h = point.Spec.Horizon;
            horizon = Math.Max(horizon, h);
            discrete &= point.Spec.Dynamics.Discrete;
            var color = palette.GetColor(point.Index % 10);
            foreach (var (steps, hit) in new[] { (stats[point.Index].GlobalTimeSteps(), false), (stats[point.Index].HitTimeSteps(), true) })
            {
                // Log time from 1 (iteration 0 drawn at 1): plateaus and late certificates span decades.
                static double X(double t) => Math.Log10(Math.Max(t, 1));
                var (xs, ys, _) = CdfSteps(steps, n, h, X);
                var line = plot.Add.ScatterLine(xs, ys, color);
                line.ConnectStyle = ConnectStyle.StepHorizontal;
                line.LineWidth = 2;
                line.LinePattern = hit ? LinePattern.Dashed : LinePattern.Solid;
                if (!hit) line.LegendText = $"p{point.Index} {ReportBuilder.MethodText(point.Spec.Dynamics)}";   // dashed lines stay out of the legend
            }
        }
        if (horizon > 0)
        {
            var v = plot.Add.VerticalLine(Math.Log10(horizon), 1, Colors.Gray, LinePattern.Dotted);
            v.Text = "horizon";
        }
        plot.Axes.Bottom.TickGenerator = LogTicks(x => Display.Short(Math.Pow(10, x)));
        plot.Title("Certified global (solid) and hit L − L_min ≤ eps_hit (dashed), per method");
        plot.XLabel(discrete ? "iteration (log scale)" : "time (log scale)");
        plot.YLabel("fraction of non-diverged samples");
        plot.Axes.SetLimitsY(0, 1);
        plot.ShowLegend(Alignment.UpperLeft);
    }
}
