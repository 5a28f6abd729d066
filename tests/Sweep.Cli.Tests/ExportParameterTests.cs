using System.Text.Json.Nodes;
using Parquet;
using Sweep.Results.Output;
using Sweep.Results.Storage;

namespace Sweep.Cli.Tests;

/// <summary>Exports carry one typed column per swept parameter; the Parquet file carries the campaign and its provenance.</summary>
public class ExportParameterTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private const string Swept = """
        { "name": "params", "seed": 4, "problem": { "kind": "canonical", "singular_values": [3, 1.5, 0.6], "input_dim": 3 },
          "network": { "hidden": [3] }, "init": { "kind": "gaussian", "scale": 0.3 },
          "dynamics": { "method": "flow", "t_max": 60 }, "stop": { "grad_tol_rel": 1e-6, "eps_hit": 1e-3 },
          "samples": 4, "shard_size": 4,
          "sweep": { "problem.input_dim": [3, 4], "init.scale": [0.1, 0.25],
                     "dynamics": [{ "method": "flow", "t_max": 60 }, { "method": "gd", "learning_rate": 0.05, "max_iters": 2000 }] } }
        """;

    [Fact]
    public async Task Csv_and_parquet_carry_typed_parameter_columns_and_the_parquet_file_the_campaign()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Swept);
        var outDir = Path.Combine(dir, "out");
        var run = SweepProcess.Run(Timeout, "run", file, "--out", outDir, "--workers", "2");
        Assert.True(run.Exit == 0, run.Out + run.Err);

        var csv = SweepProcess.Run(Timeout, "export", outDir);
        Assert.True(csv.Exit == 0, csv.Out + csv.Err);
        var samples = File.ReadAllLines(Path.Combine(outDir, "samples.csv"));
        var exported = File.ReadAllLines(Path.Combine(outDir, "export.csv"));
        Assert.Equal(samples[0] + ",param.problem.input_dim,param.init.scale,param.dynamics", exported[0]);
        Assert.Equal(samples.Length, exported.Length);
        for (int i = 1; i < samples.Length; i++) Assert.StartsWith(samples[i] + ",", exported[i]);
        Assert.Equal(File.ReadAllText(Path.Combine(outDir, "samples.csv")), Campaigns.WithoutParameters(File.ReadAllText(Path.Combine(outDir, "export.csv"))));
        // Point 0: the first value of every axis (the first key slowest); point 7: the last.
        Assert.EndsWith(",3,0.1,flow t_max=60", exported[1]);
        Assert.EndsWith(",4,0.25,gd η=0.05", exported[^1]);

        var parquet = Path.Combine(dir, "s.parquet");
        var pq = SweepProcess.Run(Timeout, "export", outDir, "-f", "parquet", "--to", parquet);
        Assert.True(pq.Exit == 0, pq.Out + pq.Err);
        await using var reader = await ParquetReader.CreateAsync(parquet);
        var fields = reader.Schema.DataFields.ToDictionary(f => f.Name);
        Assert.Equal(typeof(long), fields["param.problem.input_dim"].ClrType);
        Assert.Equal(typeof(double), fields["param.init.scale"].ClrType);
        Assert.Equal(fields["label"].ClrType, fields["param.dynamics"].ClrType);     // Parquet's string, as the labels
        using (var rg = reader.OpenRowGroupReader(0))
        {
            var scale = new double[rg.RowCount];
            var point = new int[rg.RowCount];
            await rg.ReadAsync<double>(fields["param.init.scale"], scale);
            await rg.ReadAsync<int>(fields["point"], point);
            Assert.Equal(32, point.Length);
            for (int i = 0; i < point.Length; i++) Assert.Equal(point[i] / 2 % 2 == 0 ? 0.1 : 0.25, scale[i]);
        }
        string hash, campaign;
        using (var store = CampaignStore.OpenForReading(CampaignStore.PathIn(outDir)))
            (hash, campaign) = (store.TryGetMeta("hash")!, store.TryGetMeta("campaign")!);
        Assert.Equal(hash, reader.CustomMetadata["sweep.campaign_hash"]);
        Assert.Equal(campaign, reader.CustomMetadata["sweep.campaign"]);
        var provenance = JsonNode.Parse(reader.CustomMetadata["sweep.provenance"])!;
        Assert.Equal(Provenance.Current.Version, provenance["exported_by"]!["version"]!.GetValue<string>());
        Assert.NotNull(provenance["created"]);
    }

    [Fact]
    public void A_campaign_without_a_sweep_exports_exactly_samples_csv()
    {
        var dir = Temp.Dir();
        var json = JsonNode.Parse(Swept)!.AsObject();
        json.Remove("sweep");
        var file = Temp.Campaign(dir, json.ToJsonString());
        var outDir = Path.Combine(dir, "out");
        var run = SweepProcess.Run(Timeout, "run", file, "--out", outDir, "--workers", "2");
        Assert.True(run.Exit == 0, run.Out + run.Err);
        Assert.Equal(0, SweepProcess.Run(Timeout, "export", outDir).Exit);
        Assert.Equal(File.ReadAllBytes(Path.Combine(outDir, "samples.csv")), File.ReadAllBytes(Path.Combine(outDir, "export.csv")));
    }
}
