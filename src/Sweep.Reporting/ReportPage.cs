using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sweep.Campaigns;
using Sweep.Numerics.Analysis;
using Sweep.Results;
using Sweep.Results.Output;
using Sweep.Results.Statistics;
using static Sweep.Reporting.Figures.Drawing;

namespace Sweep.Reporting;

/// <summary>The report's HTML page: the campaign, a summary and tables per point, every figure with its caption, the campaign file.</summary>
internal static class ReportPage
{
    private static string Quantiles(TimeQuantiles t) =>
        $"{t.Count} observed, p10 {Q(t.P10)}, p50 {Q(t.P50)}, p90 {Q(t.P90)}";

    private static string Q(double? v) => v is { } x ? F(x) : "censored";

    internal static string Html(Campaign campaign, List<PointSummary> summaries, List<(string Name, string Caption)> figures, bool partial, long done, List<Provenance> builds, IReadOnlyList<TargetState?>? targets)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(campaign.Name)).Append(" — ActorSweep report</title>");
        sb.Append("<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f4f4f4}td.l{text-align:left}.partial{background:#fff3cd;border:1px solid #e0c060;padding:.6em}figure{margin:1.5em 0}figcaption{font-size:90%;color:#555}pre{background:#f8f8f8;padding:1em;overflow:auto}</style></head><body>");
        sb.Append("<h1>").Append(E(campaign.Name)).Append("</h1>");
        sb.Append($"<p>Campaign hash <code>{campaign.Hash[..16]}</code>; {campaign.Points.Count} point(s) × {campaign.Samples} samples; seed {campaign.Seed}; report generated {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.</p>");
        if (partial)
            sb.Append(targets is null
                ? $"<p class=\"partial\"><b>Partial:</b> {done} of {campaign.TotalSamples} samples are stored; the campaign is still running or was stopped. Estimates will change.</p>"
                : $"<p class=\"partial\"><b>Partial:</b> {targets.Count(t => t?.Stopped is null)} of {targets.Count} points have not reached a decision on their target; the campaign is still running or was stopped. Estimates will change.</p>");
        if (campaign.AggregateOnly)
            sb.Append($"<p class=\"partial\"><b>Storage aggregate:</b> this campaign kept per-shard statistics only; samples.csv is {E(OutputWriter.NoSamplesCsv)}. Time quantiles come from the shards' binned histograms (within a relative 1e-3). {E(ReportBuilder.AggregateOmitted)}</p>");
        if (campaign.Target is { } target)
            sb.Append($"<p>Target per point: {E(target.ToString())}; first batch {campaign.Samples}, at most {campaign.MaxSamples} samples. Bounds named <i>anytime</i> come from the {E(OutputWriter.SequenceMethod)}: valid however often the campaign looked; the exact (Clopper–Pearson) intervals beside them are fixed-n.</p>");
        // Which builds produced these samples, and on what: the store records every build that ran the campaign.
        if (builds.Count > 0)
            sb.Append("<p>Samples computed by: ").Append(string.Join("; then ", builds.Select(b => E(b.ToString()) + (b.Numerics is { } n ? $" (numerics {E(n)})" : "")))).Append(".</p>");
        sb.Append($"<p>Report written by {E(Provenance.Current.ToString())}.</p>");
        // The overview leads: one row per point with what is certified, then the figures, then every point in full.
        sb.Append("<h2>Overview</h2><table><tr><th>point</th><th>parameters</th><th>n</th><th>certified global</th><th>95% CI</th><th>unresolved</th><th>certified saddle</th><th>diverged</th><th>saddle mass [lower, upper]</th><th>t_global p50</th></tr>");
        foreach (var s in summaries)
        {
            var p = campaign.Points[s.Point];
            var g = s.Of(Sweep.Numerics.Integration.Outcome.Global);
            string mass = s.SaddleMass is { } m ? $"[{F(m.Lower)}, {F(m.Upper)}]" : "–";
            sb.Append($"<tr><td>{s.Point}</td><td class=\"l\">{E(ParameterLabels.Short(campaign, p))}</td><td>{s.Samples}</td><td>{g.Count} ({F(g.Fraction)})</td><td>[{F(g.Ci95.Low)}, {F(g.Ci95.High)}]</td>"
                + $"<td>{s.Of(Sweep.Numerics.Integration.Outcome.Unresolved).Count}</td><td>{s.Of(Sweep.Numerics.Integration.Outcome.Saddle).Count}</td><td>{s.Of(Sweep.Numerics.Integration.Outcome.Diverged).Count}</td>"
                + $"<td>{mass}</td><td>{Q(s.GlobalTimes.P50)}</td></tr>");
        }
        sb.Append("</table>");
        sb.Append("<h2>Figures</h2>");
        foreach (var (name, caption) in figures)
            sb.Append($"<figure><img src=\"{name}.png\" alt=\"{E(caption)}\" width=\"{Width}\"><figcaption>{E(caption)} <a href=\"{name}.svg\">SVG</a></figcaption></figure>");
        sb.Append("<h2>Summary per point</h2>");
        foreach (var s in summaries)
        {
            var p = campaign.Points[s.Point];
            sb.Append($"<h3>Point {s.Point} {E(ParamText(p))}</h3>");
            sb.Append($"<p>{s.Samples} samples: {s.Converged} converged, {s.Horizon} at the horizon, {s.Diverged} diverged. Global minimum L_min = {F(p.Problem.CriticalValues.GlobalMinimum)}; singular values {E(string.Join(", ", p.Problem.Spectrum.SingularValues.Select(F)))}.");
            sb.Append(" Outcomes: " + string.Join(", ", s.Outcomes.Select(o => $"{o.Count} {SampleColumns.NameOf(o.Outcome)} ({F(o.Fraction)}, 95% CI [{F(o.Ci95.Low)}, {F(o.Ci95.High)}])")) + ".");
            if (s.SaddleMass is { } m)
                sb.Append($" Saddle-basin mass between {F(m.Lower)} (95% lower bound {F(m.Lower95)}; certified saddles) and {F(m.Upper)} (95% upper bound {F(m.Upper95)}; with the unresolved).");
            sb.Append($" Certified global at t (all non-diverged samples, censored at the horizon): {Quantiles(s.GlobalTimes)}; hit L − L_min ≤ eps_hit: {Quantiles(s.HitTimes)}.");
            if (targets?[s.Point] is { } t) sb.Append($" <b>Target:</b> {E(t.Describe())}.");
            if (s.Itineraries is { Sequences.Count: > 0 } it)
                sb.Append($" Itineraries ({it.Count} samples): " + string.Join(", ", it.Sequences.Take(3).Select(q => $"{E(q.Sequence)} {q.Count} ({F(q.Fraction)})"))
                    + (it.Sequences.Count > 3 || it.Other > 0 ? ", …" : "") + "; median dwell " + string.Join(", ", it.Dwell.Select(d => $"at {E(d.Label)} {Q(d.P50)}")) + ".");
            if (s.FlowDiverged > 0) sb.Append($" <b>Warning:</b> {E(OutputWriter.FlowDivergedWarning(s.FlowDiverged))}.");
            sb.Append("</p><table><tr><th>label S</th><th>critical value L_S</th><th>count</th><th>fraction</th><th>95% CI</th></tr>");
            foreach (var l in s.Labels)
                sb.Append($"<tr><td class=\"l\">{E(l.Label)}</td><td>{F(l.CriticalValue)}</td><td>{l.Count}</td><td>{F(l.Fraction)}</td><td>[{F(l.Ci95.Low)}, {F(l.Ci95.High)}]</td></tr>");
            sb.Append("</table>");
            if (p.Spec.Analyses.Hessian != HessianScope.None)
            {
                sb.Append($"<p>Hessian ({(p.Spec.Analyses.Hessian == HessianScope.All ? "every non-diverged sample: certified samples run on until the gradient test holds and are read at that limit, the others at their stop state" : "the unresolved samples, at their stop state, which is not a critical point")}; τ = {F(HessianSpectrum.ToleranceFor(p.Problem))}):</p>");
                sb.Append("<table><tr><th>label S</th><th>read at</th><th>analysed</th><th>strict (λ_min &lt; −τ)</th><th>non-strict</th></tr>");
                foreach (var h in s.Hessian)
                {
                    if (h.StrictAtLimit + h.NonStrictAtLimit > 0)
                        sb.Append($"<tr><td class=\"l\">{E(h.Label)}</td><td>limit</td><td>{h.StrictAtLimit + h.NonStrictAtLimit}</td><td>{h.StrictAtLimit}</td><td>{h.NonStrictAtLimit}</td></tr>");
                    if (h.StrictAtStop + h.NonStrictAtStop > 0)
                        sb.Append($"<tr><td class=\"l\">{E(h.Label)}</td><td>stop</td><td>{h.StrictAtStop + h.NonStrictAtStop}</td><td>{h.StrictAtStop}</td><td>{h.NonStrictAtStop}</td></tr>");
                }
                sb.Append("</table>");
            }
        }
        sb.Append("<h2>Campaign file (normalised)</h2><pre>")
          .Append(E(JsonNode.Parse(campaign.NormalizedJson)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true })))
          .Append("</pre></body></html>");
        return sb.ToString();
    }
}
