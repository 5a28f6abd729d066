using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sweep.Campaigns;
using Sweep.Campaigns.Methods;
using Sweep.Results.Statistics;
using Sweep.Numerics.Problems;
using Sweep.Numerics.Integration;
using Sweep.Numerics.Analysis;
using Sweep.Numerics.Sampling;

namespace Sweep.Results.Output;

/// <summary>
/// Writes summary.json and samples.csv (docs/outputs.md) from stored samples. Files are written to a temporary name
/// and renamed, so a reader never sees half a file and a kill never leaves one.
/// </summary>
public static class OutputWriter
{
    /// <summary>The samples.csv header of a campaign without optional columns (<see cref="CsvLayout.Default"/>).</summary>
    /// <summary>Counts per status; budget only where a run without a horizon stopped samples by their step budget (older summaries unchanged).</summary>
    private static JsonObject Status(PointSummary s)
    {
        var status = new JsonObject { ["converged"] = s.Converged, ["horizon"] = s.Horizon, ["diverged"] = s.Diverged };
        if (s.Budget > 0) status["budget"] = s.Budget;
        return status;
    }

    public static string SamplesHeader => CsvLayout.Default.Header;

    /// <summary>
    /// One samples.csv line (with its newline), formatted in place: a campaign writes millions. Reals are shortest
    /// round-trip text, NaN is empty, and −0 is written as 0, so a row never depends on where its sample came from.
    /// <paramref name="layout"/>: the campaign's columns (<see cref="CsvLayout.For"/>); the columns every campaign has by default.
    /// </summary>
    public static void WriteCsvRow(TextWriter w, SampleRecord s, CsvLayout? layout = null) => (layout ?? CsvLayout.Default).WriteRow(w, s);

    /// <summary>RFC 4180 quoting: labels like {0,2} hold commas.</summary>
    public static string Quote(string field) => field.Contains(',') || field.Contains('"') ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;

    /// <summary>Splits one RFC 4180 line (quoted fields may hold commas).</summary>
    public static List<string> SplitCsv(string line)
    {
        var fields = new List<string>();
        var sb = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else sb.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(sb.ToString()); sb.Clear(); }
            else sb.Append(c);
        }
        fields.Add(sb.ToString());
        return fields;
    }

    /// <summary>Empty statistics for every point of the campaign.</summary>
    public static PointStatistics[] NewStatistics(Campaign campaign) => campaign.Points.Select(NewStatistics).ToArray();

    /// <summary>Empty statistics for one point.</summary>
    public static PointStatistics NewStatistics(CampaignPoint p) =>
        new(p.Index, CriticalValues.Label(p.Problem.CriticalValues.GlobalMask), p.Spec.Horizon, flow: p.Spec.Dynamics.DivergenceIsNumericalFailure);

    /// <summary>Statistics per point from the samples (in any order; each sample once).</summary>
    public static IReadOnlyList<PointStatistics> Aggregate(Campaign campaign, IEnumerable<SampleRecord> samples)
    {
        var stats = NewStatistics(campaign);
        foreach (var s in samples) stats[s.Point].Add(s);
        return stats;
    }

    public static void WriteSamplesCsv(string path, IEnumerable<SampleRecord> orderedSamples, CsvLayout? layout = null)
    {
        layout ??= CsvLayout.Default;
        WriteAtomically(path, w =>
        {
            w.Write(layout.Header);
            w.Write('\n');
            foreach (var s in orderedSamples) layout.WriteRow(w, s);
        });
    }

    /// <summary>
    /// summary.json's content. <c>provenance</c> (the build and machine that wrote it, <see cref="Provenance.Current"/>)
    /// comes last, after the keys readers already know.
    /// </summary>
    /// <param name="markApproximate">`status`: mark time quantiles read from the binned histogram with <c>"approximate": true</c>.</param>
    public static JsonObject Summary(Campaign campaign, IReadOnlyList<PointStatistics> stats, long done, bool complete, IReadOnlyList<TargetState?>? targets = null, bool markApproximate = false)
    {
        // Aggregate storage: every time quantile comes from the shards' binned histograms, and says so.
        markApproximate |= campaign.AggregateOnly;
        var points = new JsonArray();
        foreach (var p in campaign.Points)
        {
            var s = stats[p.Index].Summarize();
            var cv = p.Problem.CriticalValues;
            var labels = new JsonObject();
            foreach (var l in s.Labels)
                labels[l.Label] = new JsonObject
                {
                    ["count"] = l.Count,
                    ["fraction"] = l.Fraction,
                    ["ci95"] = new JsonArray(l.Ci95.Low, l.Ci95.High),
                    ["critical_value"] = Real(l.CriticalValue),
                };
            var outcomes = new JsonObject();
            foreach (var o in s.Outcomes)
                outcomes[SampleColumns.NameOf(o.Outcome)] = new JsonObject
                {
                    ["count"] = o.Count,
                    ["fraction"] = o.Fraction,
                    ["ci95"] = new JsonArray(o.Ci95.Low, o.Ci95.High),
                };
            var prms = new JsonObject();
            foreach (var kv in p.Params) prms[kv.Key] = kv.Value?.DeepClone();
            var point = new JsonObject
            {
                ["index"] = p.Index,
                ["params"] = prms,
                ["samples"] = s.Samples,
                ["status"] = Status(s),
                ["singular_values"] = new JsonArray(p.Problem.Spectrum.SingularValues.Select(v => (JsonNode)v).ToArray()),
                ["global_min"] = Real(cv.GlobalMinimum),
                ["global_label"] = CriticalValues.Label(cv.GlobalMask),
                ["labels"] = labels,
                ["global_fraction"] = s.GlobalFraction,
                ["outcomes"] = outcomes,
                ["saddle_mass"] = s.SaddleMass is null ? null : new JsonObject
                {
                    ["lower"] = s.SaddleMass.Lower, ["lower95"] = s.SaddleMass.Lower95, ["upper"] = s.SaddleMass.Upper, ["upper95"] = s.SaddleMass.Upper95,
                },
                ["t_global"] = Times(s.GlobalTimes, markApproximate),
                ["t_hit"] = Times(s.HitTimes, markApproximate),
            };
            if (p.Spec.Analyses.Hessian != HessianScope.None)
            {
                var hessian = new JsonObject();
                foreach (var h in s.Hessian)
                {
                    // Totals, then where they were read: at the limit (certified and converged) and at the stop state.
                    var counts = new JsonObject { ["analysed"] = h.Strict + h.NonStrict, ["strict"] = h.Strict, ["non_strict"] = h.NonStrict };
                    if (h.StrictAtLimit + h.NonStrictAtLimit > 0)
                        counts["limit"] = new JsonObject { ["analysed"] = h.StrictAtLimit + h.NonStrictAtLimit, ["strict"] = h.StrictAtLimit, ["non_strict"] = h.NonStrictAtLimit };
                    if (h.StrictAtStop + h.NonStrictAtStop > 0)
                        counts["stop"] = new JsonObject { ["analysed"] = h.StrictAtStop + h.NonStrictAtStop, ["strict"] = h.StrictAtStop, ["non_strict"] = h.NonStrictAtStop };
                    hessian[h.Label] = counts;
                }
                point["hessian"] = hessian;
            }
            if (LabelRule(p) is { } rule) point["label_rule"] = rule;
            if (targets?[p.Index] is { } t) point["target"] = TargetJson(t);
            if (p.RandomReplica is { } replica)
                point["random_data"] = new JsonObject
                {
                    ["replica"] = replica,
                    ["singular_values"] = new JsonArray(p.Problem.Spectrum.SingularValues.Select(v => (JsonNode)v).ToArray()),
                    ["min_relative_gap"] = Real(RandomData.SmallestRelativeGap(p.Problem.Spectrum.SingularValues)),
                };
            if (s.Itineraries is { } it) point["itineraries"] = Itineraries(it);
            if (s.Tails?.Summarize(p.Spec.Analyses.TailRate, p.Spec.Analyses.Invariants) is { } tails)
            {
                if (tails.TailRate is { } r)
                    point["tail_rate"] = new JsonObject { ["count"] = r.Count, ["p10"] = r.P10, ["p50"] = r.P50, ["p90"] = r.P90 };
                if (tails.Invariants is { } inv)
                    point["invariants"] = new JsonObject { ["count"] = inv.Count, ["min"] = inv.Min, ["max"] = inv.Max, ["median_max_abs"] = inv.MedianMaxAbs };
            }
            if (s.FlowDiverged > 0)
            {
                point["numerical_failures"] = new JsonObject { ["flow_diverged"] = s.FlowDiverged };
                point["warnings"] = new JsonArray(FlowDivergedWarning(s.FlowDiverged));
            }
            points.Add(point);
        }
        var summary = new JsonObject
        {
            ["campaign"] = campaign.Name,
            ["hash"] = campaign.Hash,
            ["complete"] = complete,
            ["samples_done"] = done,
            ["samples_total"] = campaign.TotalSamples,
        };
        // Only an aggregate campaign's summary has these keys: a full one is what it always was.
        if (campaign.AggregateOnly)
        {
            summary["storage"] = "aggregate";
            summary["samples_csv"] = NoSamplesCsv;
        }
        if (campaign.Target is { } target)
            summary["target"] = new JsonObject
            {
                ["rule"] = target.ToString(),
                ["first_batch"] = campaign.Samples,
                ["max_samples"] = campaign.MaxSamples,
                ["method"] = SequenceMethod,
            };
        summary["points"] = points;
        summary["provenance"] = Provenance.Current.ToJson();
        return summary;
    }

    /// <summary>What every output of an aggregate campaign says in place of samples.csv.</summary>
    public const string NoSamplesCsv = "absent: \"storage\": \"aggregate\" keeps per-shard statistics only (no per-sample rows)";

    /// <summary>
    /// What a point's labels mean when they are not the stop state's own label (sgd with batch_size &lt; m reports the
    /// mean of its last iterates), as the point's method describes it; null for every other point.
    /// </summary>
    public static string? LabelRule(CampaignPoint p) => MethodCatalog.Of(p.Spec.Dynamics)?.LabelRule(p.Spec.Dynamics, p.Problem);
    /// <summary>The anytime-valid method behind every <c>anytime95</c>, as summary.json names it.</summary>
    public static readonly string SequenceMethod =
        $"beta-binomial mixture confidence sequence (Robbins), prior Beta({ConfidenceSequence.PriorA}, {ConfidenceSequence.PriorB}), alpha {ConfidenceSequence.Alpha}";

    /// <summary>A point's standing against the target, as summary.json writes it.</summary>
    public static JsonObject TargetJson(TargetState t) => new()
    {
        ["share"] = t.Target.Kind == TargetKind.SaddleUpper95 ? "saddle+unresolved of non-diverged" : $"outcome:{t.Target.Of!.Value.Name()} of all",
        ["count"] = t.Count,
        ["of"] = t.Of,
        ["anytime95"] = new JsonArray(t.Low, t.High),
        [t.Target.Kind == TargetKind.SaddleUpper95 ? "upper95_anytime" : "halfwidth_anytime"] = t.Current,
        ["bound"] = t.Target.Bound,
        ["stopped"] = t.Stopped is { } r ? TargetState.Name(r) : null,
        ["samples_to_go"] = t.ToGo,
    };

    /// <summary>JSON has no NaN or infinity: a non-finite value is written as null rather than failing the whole summary.</summary>
    private static JsonNode? Real(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    /// <summary>
    /// summary.json's <c>itineraries</c>: the number of samples with one, the most frequent sequences (count, fraction,
    /// exact ci95), the samples of every other sequence, and per visited saddle the dwell-time quantiles.
    /// </summary>
    private static JsonObject Itineraries(ItinerarySummary it)
    {
        var sequences = new JsonArray();
        foreach (var q in it.Sequences)
            sequences.Add(new JsonObject
            {
                ["sequence"] = q.Sequence, ["count"] = q.Count, ["fraction"] = q.Fraction, ["ci95"] = new JsonArray(q.Ci95.Low, q.Ci95.High),
            });
        var dwell = new JsonObject();
        foreach (var d in it.Dwell)
            dwell[d.Label] = new JsonObject { ["completed"] = d.Completed, ["censored"] = d.Censored, ["p10"] = d.P10, ["p50"] = d.P50, ["p90"] = d.P90 };
        return new JsonObject { ["count"] = it.Count, ["sequences"] = sequences, ["other"] = it.Other, ["dwell"] = dwell };
    }

    private static JsonObject Times(TimeQuantiles t, bool markApproximate)
    {
        var o = new JsonObject { ["count"] = t.Count, ["p10"] = t.P10, ["p50"] = t.P50, ["p90"] = t.P90 };
        if (markApproximate && t.Binned) o["approximate"] = true;
        return o;
    }

    /// <summary>Gradient flow cannot diverge (Prop. 1): a diverged flow sample is the integrator's failure, never a result.</summary>
    public static string FlowDivergedWarning(long count) =>
        $"{count} gradient-flow sample(s) diverged numerically; the flow cannot diverge (Prop. 1), so these are integrator failures (tighten rtol/atol), counted apart and never as an outcome of the dynamics";

    public static void WriteSummary(string path, JsonObject summary) =>
        WriteAtomically(path, w => w.Write(SummaryText(summary)));

    /// <summary>summary.json's exact text (indented), also what `sweep status --json` prints.</summary>
    public static string SummaryText(JsonObject summary) => summary.ToJsonString(SummaryJsonOptions);

    public static readonly JsonSerializerOptions SummaryJsonOptions = new() { WriteIndented = true };

    private static void WriteAtomically(string path, Action<StreamWriter> write)
    {
        string tmp = path + ".tmp";
        using (var w = new StreamWriter(tmp, false, new UTF8Encoding(false), 1 << 16))
        {
            write(w);
            w.Flush();
            w.BaseStream.Flush();
        }
        File.Move(tmp, path, overwrite: true);
    }
}
