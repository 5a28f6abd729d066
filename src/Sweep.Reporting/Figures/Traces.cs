using ScottPlot;
using Sweep.Campaigns;
using Sweep.Numerics.Problems;
using static Sweep.Reporting.Figures.Drawing;

namespace Sweep.Reporting.Figures;

/// <summary>The loss gap of the traced trajectories of one point, with the critical values they pass.</summary>
internal sealed class Traces : IFigure<CampaignPoint>
{
    public string FileName(CampaignPoint point) => $"traces-p{point.Index}";

    public string Caption(CampaignPoint point) =>
        $"Loss gap L − L_min of the traced trajectories of point {point.Index} (log scale); dashed lines mark the critical values L_S they pass, named by S.";

    public bool AppliesTo(ReportData data, CampaignPoint point) => data.Traces.Any(t => t.Point == point.Index);

    public void Draw(Plot plot, ReportData data, CampaignPoint point)
    {
        var traces = data.Traces.Where(t => t.Point == point.Index).ToList();
        var cv = point.Problem.CriticalValues;
        const double floor = 1e-16;
        var palette = new ScottPlot.Palettes.Category10();
        int k = 0;
        foreach (var (_, sample, time, loss) in traces)
        {
            var gaps = loss.Select(l => Math.Max(l - cv.GlobalMinimum, floor)).ToArray();
            var line = plot.Add.ScatterLine(time, gaps.Select(Math.Log10).ToArray(), palette.GetColor(k++ % 10));
            line.LineWidth = 2;
            line.LegendText = $"sample {sample}";
        }
        // The critical values the traces pass: plateaus where the loss stays within 0.3% of L_S for ≥ 2% of the time span.
        var passed = new SortedSet<int>();
        double tEnd = traces.Max(t => t.Time[^1]);
        foreach (var (_, _, time, loss) in traces)
        {
            double span = time[^1] - time[0];
            if (span <= 0) continue;
            for (int mask = 0; mask < (1 << cv.Modes); mask++)
            {
                double value = cv.Value(mask), tol = 0.003 * Math.Max(cv.GapAboveMinimum(mask), 1e-300);
                double inside = 0;
                for (int i = 1; i < time.Length; i++)
                    if (Math.Abs(loss[i] - value) <= tol && Math.Abs(loss[i - 1] - value) <= tol) inside += time[i] - time[i - 1];
                if (inside >= 0.02 * span && mask != cv.GlobalMask) passed.Add(mask);
            }
        }
        foreach (var mask in passed)
        {
            double y = Math.Log10(cv.GapAboveMinimum(mask));
            var h = plot.Add.HorizontalLine(y, 1, Colors.Gray, LinePattern.Dashed);
            h.ExcludeFromLegend = true;
            var name_ = plot.Add.Text($"L{CriticalValues.Label(mask)} = {F(cv.Value(mask))}", tEnd, y);
            name_.LabelAlignment = Alignment.LowerRight;
            name_.LabelFontSize = 12;
            name_.LabelFontColor = Colors.DimGray;
        }
        LogY(plot);
        plot.Title($"Traced trajectories, point {point.Index} {ParamText(point)}");
        plot.XLabel(point.Spec.Dynamics.Discrete ? "iteration" : "time t");
        plot.YLabel("L − L_min (log scale)");
        plot.ShowLegend(Alignment.LowerLeft);
    }
}
