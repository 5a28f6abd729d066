using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Sweep.Cli.Tests;

/// <summary>
/// <c>"storage": "aggregate"</c> end to end: the same campaign (with a target, so the sequential rule walks the shards'
/// statistics) run with every sample stored and with per-shard statistics only gives the same summary.json except the
/// fields that must differ, no samples.csv (said so by run, status, report, serve's data and summary.json), and an
/// export refused with exit 2.
/// </summary>
public class AggregateStorageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    // Two points of different difficulty (at scale 0.02 the plateau outlasts t_max: out of reach after the first batch;
    // at 0.3 certified global within t_max: the target is met), in shards of 6 with a short last shard.
    private const string Campaign = """
        { "name": "aggregate-test", "seed": 5,
          "problem": { "kind": "canonical", "singular_values": [3, 1.5, 0.4], "input_dim": 4 },
          "network": { "hidden": [4, 4] },
          "init": { "kind": "gaussian", "scale": 0.1 },
          "dynamics": { "method": "flow", "t_max": 20 },
          "stop": { "until": "certified" },
          "samples": 12, "max_samples": 100, "shard_size": 6,
          "target": { "saddle_upper95": 0.2 },
          "sweep": { "init.scale": [0.3, 0.02] } }
        """;

    [Fact]
    public void Aggregate_storage_gives_the_full_summary_without_any_per_sample_row()
    {
        var dir = Temp.Dir();
        try
        {
            var full = Path.Combine(dir, "full");
            var r1 = SweepProcess.Run(Timeout, "run", Temp.Campaign(dir, Campaign, "full.json"), "--out", full, "--workers", "2");
            Assert.True(r1.Exit == 0, r1.Err);
            var aggregate = Path.Combine(dir, "aggregate");
            var r2 = SweepProcess.Run(Timeout, "run", Temp.Campaign(dir, Campaign.Replace("\"seed\": 5,", "\"seed\": 5, \"storage\": \"aggregate\","), "aggregate.json"), "--out", aggregate, "--workers", "2");
            Assert.True(r2.Exit == 0, r2.Err);
            output.WriteLine(r2.Out);
            Assert.Contains("samples.csv absent", r2.Out);
            Assert.False(File.Exists(Path.Combine(aggregate, "samples.csv")));
            Assert.False(Directory.Exists(Path.Combine(aggregate, "samples.csv.parts")));

            var a = JsonNode.Parse(File.ReadAllText(Path.Combine(full, "summary.json")))!.AsObject();
            var b = JsonNode.Parse(File.ReadAllText(Path.Combine(aggregate, "summary.json")))!.AsObject();
            // The two points stop differently, so the comparison covers both of the rule's decisions.
            Assert.Equal(new[] { "target_met", "out_of_reach" }, a["points"]!.AsArray().Select(p => (string)p!["target"]!["stopped"]!).ToArray());
            Assert.Equal("aggregate", (string?)b["storage"]);
            Assert.StartsWith("absent", (string?)b["samples_csv"]);
            Assert.NotEqual((string?)a["hash"], (string?)b["hash"]);
            AssertSameExceptNamedFields(a, b);

            // status (table and --json) reads the shards' statistics and says what is absent.
            var status = SweepProcess.Run(Timeout, "status", aggregate);
            Assert.True(status.Exit == 0, status.Err);
            Assert.Contains("storage: aggregate", status.Out);
            Assert.Contains("samples.csv absent", status.Out);
            var json = SweepProcess.Run(Timeout, "status", aggregate, "--json");
            Assert.Equal(0, json.Exit);
            var live = JsonNode.Parse(json.Out)!.AsObject();
            var written = JsonNode.Parse(File.ReadAllText(Path.Combine(aggregate, "summary.json")))!;
            Assert.Equal(written["points"]!.ToJsonString(), live["points"]!.ToJsonString());

            // export has no rows to write: exit 2 naming why, and nothing written.
            var export = SweepProcess.Run(Timeout, "export", aggregate, "--format", "csv");
            Assert.Equal(2, export.Exit);
            Assert.Contains("aggregate", export.Err);
            Assert.Contains("summary.json", export.Err);
            Assert.False(File.Exists(Path.Combine(aggregate, "export.csv")));

            // The report works from the statistics, names what it omits, and draws the survival curves and writes
            // laws.json from the binned times: the same laws as the full store's records, medians within a relative 1e-3.
            var report = SweepProcess.Run(Timeout, "report", aggregate);
            Assert.True(report.Exit == 0, report.Err);
            string html = File.ReadAllText(Path.Combine(aggregate, "report", "index.html"));
            Assert.Contains("Storage aggregate", html);
            Assert.Contains("first-escape times", html);
            Assert.True(File.Exists(Path.Combine(aggregate, "report", "survival.png")));
            Assert.Contains("survival.png", html);
            var fullReport = SweepProcess.Run(Timeout, "report", full);
            Assert.True(fullReport.Exit == 0, fullReport.Err);
            AssertSameLaws(JsonNode.Parse(File.ReadAllText(Path.Combine(full, "report", "laws.json")))!,
                JsonNode.Parse(File.ReadAllText(Path.Combine(aggregate, "report", "laws.json")))!);
        }
        finally { try { Directory.Delete(dir, true); } catch (IOException) { } }
    }

    /// <summary>
    /// laws.json of the aggregate store against the full store's: per point the same n and censoring end, each median of
    /// t_global and its interval ends within a relative 1e-3 (the bin width), a Hill estimate on both sides or neither;
    /// the aggregate one says where its times come from and has no first-escape laws.
    /// </summary>
    private static void AssertSameLaws(JsonNode full, JsonNode aggregate)
    {
        var fp = full["points"]!.AsArray();
        var ap = aggregate["points"]!.AsArray();
        Assert.Equal(fp.Count, ap.Count);
        Assert.Contains(ap, p => p!["median_global"] is not null && p["hill_global"] is not null);
        for (int i = 0; i < fp.Count; i++)
        {
            Assert.Equal((int)fp[i]!["samples"]!, (int)ap[i]!["samples"]!);
            Assert.Equal((double?)fp[i]!["certified_until"], (double?)ap[i]!["certified_until"]);
            Assert.Null(fp[i]!["times"]);
            Assert.StartsWith("t_global from the point's merged statistics", (string)ap[i]!["times"]!);
            Assert.Null(ap[i]!["median_escape"]);
            Assert.Equal(fp[i]!["hill_global"] is null, ap[i]!["hill_global"] is null);
            Assert.Equal(fp[i]!["median_global"] is null, ap[i]!["median_global"] is null);
            if (fp[i]!["hill_global"] is { } h)
            {
                // |γ̂_binned − γ̂| ≤ ε (the widest bin's log span): α̂ within a relative α̂ε / (1 − α̂ε).
                double a = (double)h["alpha"]!, b = (double)ap[i]!["hill_global"]!["alpha"]!, eps = (double)ap[i]!["hill_global"]!["log_spread"]!;
                Assert.True(Math.Abs(b / a - 1) <= a * eps / (1 - a * eps), $"point {i} hill_global.alpha: {a} vs {b}");
            }
            if (fp[i]!["median_global"] is not { } m) continue;
            foreach (var key in new[] { "median", "low", "high" })
            {
                double u = (double)m[key]!, v = (double)ap[i]!["median_global"]![key]!;
                Assert.True(Math.Abs(v - u) <= 1e-3 * u, $"point {i} median_global.{key}: {u} vs {v}");
            }
        }
    }

    /// <summary>
    /// The fields that must differ: the hash (the mode is part of the identity), storage and samples_csv (only the
    /// aggregate summary has them), provenance (when it was written), and per point t_global/t_hit, whose quantiles come
    /// from the binned histograms (same count, quantiles within a relative 1e-3, marked approximate). Everything else is
    /// equal as text.
    /// </summary>
    private static void AssertSameExceptNamedFields(JsonObject full, JsonObject aggregate)
    {
        foreach (var key in new[] { "hash", "storage", "samples_csv", "provenance" }) { full.Remove(key); aggregate.Remove(key); }
        var fp = full["points"]!.AsArray();
        var ap = aggregate["points"]!.AsArray();
        Assert.Equal(fp.Count, ap.Count);
        for (int i = 0; i < fp.Count; i++)
            foreach (var times in new[] { "t_global", "t_hit" })
            {
                var x = fp[i]![times]!.AsObject();
                var y = ap[i]![times]!.AsObject();
                Assert.Equal((long)x["count"]!, (long)y["count"]!);
                foreach (var q in new[] { "p10", "p50", "p90" })
                {
                    double? u = (double?)x[q], v = (double?)y[q];
                    Assert.Equal(u is null, v is null);
                    if (u is { } uu) Assert.True(Math.Abs(uu - v!.Value) <= 1e-3 * Math.Abs(uu) + 1e-12, $"point {i} {times}.{q}: {uu} vs {v}");
                }
                fp[i]!.AsObject().Remove(times);
                ap[i]!.AsObject().Remove(times);
            }
        Assert.Equal(full.ToJsonString(), aggregate.ToJsonString());
    }
}
