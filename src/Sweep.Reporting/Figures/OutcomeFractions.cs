using ScottPlot;
using Sweep.Numerics.Integration;
using Sweep.Results.Statistics;
using static Sweep.Reporting.Figures.Drawing;

namespace Sweep.Reporting.Figures;

/// <summary>
/// The report's first figure: what is certified. The shares of certified-global, unresolved and certified-saddle
/// samples against the swept parameter, with exact 95% (Clopper–Pearson) intervals.
/// </summary>
internal sealed class OutcomeFractions : IFigure<Panel>
{
    // The colours of the method comparison (methods-outcomes), so that an outcome looks the same in every figure.
    private static readonly (Outcome Outcome, string Name, Color Color)[] Shown =
    [
        (Outcome.Global, "certified global", Colors.ForestGreen),
        (Outcome.Unresolved, "unresolved", Colors.DarkOrange),
        (Outcome.Saddle, "certified saddle", Colors.Navy),
    ];

    public string FileName(Panel panel) => $"outcomes-{panel.Suffix}";

    public string Caption(Panel panel) =>
        $"Outcomes against {panel.Axis.Key}{panel.Group.Context}: the share of samples certified to reach a global minimum, certified at a saddle, and unresolved (neither certificate held by the stop), of all samples (diverged samples shown too where there are any), with exact 95% (Clopper–Pearson) intervals. The saddle basin's mass lies between the certified-saddle share and certified saddles + unresolved.";

    public bool AppliesTo(ReportData data, Panel panel) => true;

    public void Draw(Plot plot, ReportData data, Panel panel)
    {
        var (summaries, axis, group) = (data.Summaries, panel.Axis, panel.Group);
        // Diverged samples (iterative methods) are drawn too where a point has any: the shares then add up to 1.
        bool diverged = group.Points.Any(p => summaries[p].Samples > 0 && summaries[p].Of(Outcome.Diverged).Count > 0);
        (Outcome, string, Color)[] shown = diverged ? [.. Shown, (Outcome.Diverged, "diverged", Colors.Crimson)] : Shown;
        for (int k = 0; k < shown.Length; k++)
        {
            var (outcome, name, color) = shown[k];
            // On a categorical axis the outcomes of a category sit side by side, so that equal shares stay visible.
            double offset = axis.Numeric ? 0 : (k - (shown.Length - 1) / 2.0) * 0.08;
            var xs = new List<double>(); var ys = new List<double>(); var lo = new List<double>(); var hi = new List<double>();
            foreach (var p in group.Points)
            {
                var s = summaries[p];
                if (s.Samples == 0) continue;
                var o = s.Of(outcome);
                xs.Add(axis.X(p) + offset); ys.Add(o.Fraction); lo.Add(o.Fraction - o.Ci95.Low); hi.Add(o.Ci95.High - o.Fraction);
            }
            if (xs.Count > 0) MarkersWithBars(plot, xs, ys, lo, hi, color, name);
        }
        FinishAgainst(plot, axis, $"Outcomes vs {axis.Key}{group.Context}", "fraction of samples", share: true);
    }
}
