using System.Text.RegularExpressions;
using Sweep.Campaigns;
using Sweep.Results.Output;
using Sweep.Results.Storage;
using Sweep.Worker;
using Sweep.Results;

namespace Sweep.Reporting.Tests;

public class ReportTests
{
    private const string Json = """
        { "name": "report-test", "seed": 2,
          "problem": { "kind": "canonical", "singular_values": [3, 1.5, 0.4], "input_dim": 3 },
          "network": { "hidden": [3, 3] },
          "init": { "kind": "gaussian", "scale": 0.1 },
          "dynamics": { "method": "flow", "t_max": 80 },
          "samples": 12, "shard_size": 4, "trace_samples": 2,
          "sweep": { "init.scale": [0.02, 0.3] } }
        """;

    /// <summary>A campaign directory whose store holds the first <paramref name="shards"/> shards, solved by the real numerics.</summary>
    private static (string Dir, Campaign Campaign) Stored(int? shards, string json = Json)
    {
        var dir = Path.Combine(Path.GetTempPath(), "sweep-report-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var campaign = CampaignLoader.Parse(json, dir);
        var (store, _) = CampaignStore.OpenForCampaign(dir, campaign.NormalizedJson, campaign.Hash, campaign.Name, dir);
        using (store)
        {
            var runner = new ShardRunner(campaign.Spec);
            var plan = ShardPlan.Create(campaign.Points.Count, campaign.Samples, campaign.ShardSize);
            foreach (var s in plan.Take(shards ?? plan.Count))
                store!.CommitShard(s, runner.Run(s.Point, s.FirstSample, s.Count), "test");
        }
        return (dir, campaign);
    }

    private static void AssertReferencesExist(string index)
    {
        var html = File.ReadAllText(index);
        var refs = Regex.Matches(html, "(?:src|href)=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(refs);
        foreach (var r in refs)
        {
            Assert.DoesNotContain("://", r);     // self-contained: nothing fetched from the network
            Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(index)!, r)), $"{r} is referenced but missing");
        }
    }

    [Fact]
    public void A_campaign_with_the_hessian_analysis_gets_its_figures_and_table()
    {
        var (dir, _) = Stored(null, Json.Replace("\"samples\": 12", "\"analysis\": { \"hessian\": \"all\" }, \"samples\": 12"));
        var result = ReportBuilder.Build(dir);
        Assert.Equal(["outcomes-init-scale", "fractions-init-scale", "hessian-strict-init-scale", "hessian-min-init-scale", "saddle-mass-init-scale", "uncertified-share", "hitting-times", "survival", "traces-p0", "traces-p1"], result.Figures);
        foreach (var f in result.Figures) Assert.True(new FileInfo(Path.Combine(dir, "report", f + ".png")).Length > 1000, f);
        var html = File.ReadAllText(result.IndexPath);
        Assert.Contains("Hessian (every non-diverged sample: certified samples run on until the gradient test holds and are read at that limit", html);
        Assert.Contains("<th>read at</th>", html);
        Assert.Matches("<td>(limit|stop)</td>", html);
        AssertReferencesExist(result.IndexPath);
    }

    [Fact]
    public void A_campaign_without_a_horizon_draws_no_horizon_and_says_when_points_are_left_out()
    {
        // No t_max: the flow's time scale is 1e18, which the figures must not draw as a horizon; 13 points > 12 panels.
        var json = Json.Replace("\"t_max\": 80", "\"integrator\": \"auto\", \"max_steps\": 3000").Replace("\"samples\": 12, \"shard_size\": 4, \"trace_samples\": 2", "\"samples\": 2, \"shard_size\": 2")
            .Replace("\"init.scale\": [0.02, 0.3]", "\"init.scale\": [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7]");
        var (dir, campaign) = Stored(null, json);
        Assert.Equal(13, campaign.Points.Count);
        var result = ReportBuilder.Build(dir);
        var html = File.ReadAllText(result.IndexPath);
        Assert.Contains("without a horizon each curve ends at the point&#39;s last certification or stop", html);
        Assert.DoesNotContain("the dotted line marks the horizon", html);
        Assert.Contains("Only the first 12 of the 13 points are drawn.", html);
        var svg = File.ReadAllText(Path.Combine(dir, "report", "uncertified-share.svg"));
        Assert.DoesNotContain(">horizon<", svg);
        Assert.Contains("at the end", svg);
        AssertReferencesExist(result.IndexPath);
    }

    [Fact]
    public void Finished_campaign_report_has_every_figure_and_only_existing_references()
    {
        var (dir, campaign) = Stored(null);
        var result = ReportBuilder.Build(dir);
        Assert.False(result.Partial);
        // fractions + saddle mass for the swept key, hitting times, and traces for both points
        Assert.Equal(["outcomes-init-scale", "fractions-init-scale", "saddle-mass-init-scale", "uncertified-share", "hitting-times", "survival", "traces-p0", "traces-p1"], result.Figures);
        foreach (var f in result.Figures)
        {
            Assert.True(new FileInfo(Path.Combine(dir, "report", f + ".png")).Length > 1000);
            Assert.Contains("<svg", File.ReadAllText(Path.Combine(dir, "report", f + ".svg"))[..200]);
        }
        AssertReferencesExist(result.IndexPath);
        var html = File.ReadAllText(result.IndexPath);
        Assert.DoesNotContain("Partial", html);
        Assert.Contains("{0,1,2}", html);
        Assert.Contains("&quot;init.scale&quot;", html);     // the campaign file itself
        Assert.Equal(campaign.Points.Count, Regex.Matches(html, "<h3>Point").Count);
        // The report leads with outcomes: an overview table across points, then the outcome figure before the labels'.
        Assert.True(html.IndexOf("<h2>Overview</h2>") < html.IndexOf("<h2>Figures</h2>"));
        Assert.True(html.IndexOf("outcomes-init-scale.png") < html.IndexOf("fractions-init-scale.png"));
        Assert.Contains("where samples were at the stop", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(">scale=", html);      // the overview's short parameter label
    }

    [Fact]
    public void A_dynamics_sweep_gets_the_method_comparison_figures()
    {
        const string methods = """
            { "name": "report-methods", "seed": 2,
              "problem": { "kind": "canonical", "singular_values": [3, 1.5, 0.4], "input_dim": 3 },
              "network": { "hidden": [3, 3] },
              "init": { "kind": "gaussian", "scale": 0.3 },
              "dynamics": { "method": "gd", "learning_rate": 0.05, "max_iters": 400 },
              "samples": 8, "shard_size": 4,
              "sweep": { "dynamics": [{ "method": "gd", "learning_rate": 0.05, "max_iters": 400 },
                                      { "method": "momentum", "learning_rate": 0.05, "beta": 0.9, "max_iters": 400 }] } }
            """;
        var (dir, _) = Stored(null, methods);
        var result = ReportBuilder.Build(dir);
        Assert.Equal(["outcomes-dynamics", "fractions-dynamics", "saddle-mass-dynamics", "methods-outcomes", "methods-times", "uncertified-share", "hitting-times"], result.Figures);
        var svg = File.ReadAllText(Path.Combine(dir, "report", "methods-outcomes.svg"));
        Assert.Contains("momentum", svg);       // one tick per method, named
        Assert.Contains("unresolved", svg);     // the outcome legend
        Assert.Contains("momentum η=0.05 β=0.9", File.ReadAllText(Path.Combine(dir, "report", "methods-times.svg")));
    }

    [Fact]
    public void Itineraries_get_a_distribution_figure_and_a_dwell_figure()
    {
        var (dir, _) = Stored(null, Json.Replace("\"samples\": 12", "\"analysis\": { \"itinerary\": true }, \"samples\": 12"));
        var result = ReportBuilder.Build(dir);
        Assert.Equal(["outcomes-init-scale", "fractions-init-scale", "saddle-mass-init-scale", "itineraries-init-scale", "dwell-times-init-scale", "uncertified-share", "hitting-times", "survival", "escape-exponents", "traces-p0", "traces-p1"], result.Figures);
        foreach (var f in new[] { "itineraries-init-scale", "dwell-times-init-scale", "survival", "escape-exponents" })
            Assert.True(new FileInfo(Path.Combine(dir, "report", f + ".png")).Length > 1000);
        var html = File.ReadAllText(result.IndexPath);
        Assert.Contains("Itineraries (12 samples): {}&gt;{0}", html);
        Assert.Contains("median dwell at {}", html);
        Assert.Contains("Survival of the certified time", html);
        Assert.Contains("Median first-escape time", html);
        using var laws = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "report", "laws.json")));
        Assert.Equal(2, laws.RootElement.GetProperty("points").GetArrayLength());
        Assert.Equal(12, laws.RootElement.GetProperty("points")[0].GetProperty("samples").GetInt32());
        Assert.Single(laws.RootElement.GetProperty("groups").EnumerateArray());
        AssertReferencesExist(result.IndexPath);
    }

    [Fact]
    public void Partial_campaign_report_is_marked_partial_and_still_complete_in_figures()
    {
        var (dir, _) = Stored(3);
        var result = ReportBuilder.Build(dir);
        Assert.True(result.Partial);
        var html = File.ReadAllText(result.IndexPath);
        Assert.Contains("Partial:", html);
        Assert.Contains("12 of 24 samples", html);
        AssertReferencesExist(result.IndexPath);
        Assert.Contains("hitting-times", result.Figures);
        Assert.Contains("uncertified-share", result.Figures);
    }

    [Fact]
    public async Task Parquet_export_round_trips_against_samples_csv()
    {
        var (dir, _) = Stored(null);
        var (_, store) = StoredCampaign.Open(dir);
        List<Sweep.Results.SampleRecord> samples;
        using (store) samples = store.ReadSamples().ToList();
        var csv = Path.Combine(dir, "samples.csv");
        var parquet = Path.Combine(dir, "samples.parquet");
        Exporter.WriteCsv(csv, samples);
        await Exporter.WriteParquetAsync(parquet, samples);
        var back = await Exporter.ReadParquetAsync(parquet);
        Assert.Equal(samples, back);
        var rows = File.ReadAllLines(csv).Skip(1).ToList();
        var again = new StringWriter();
        foreach (var s in back) OutputWriter.WriteCsvRow(again, s);
        Assert.Equal(rows, again.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList());
        var schema = (await Parquet.ParquetReader.ReadSchemaAsync(parquet)).DataFields.Select(f => f.Name);
        // Parquet carries every column; samples.csv only the optional ones its campaign fills (CsvLayout).
        Assert.Equal(Sweep.Results.SampleColumns.All.Select(c => c.Name), schema);
        Assert.Equal(OutputWriter.SamplesHeader.Split(','), schema.Take(OutputWriter.SamplesHeader.Split(',').Length));
    }
}
