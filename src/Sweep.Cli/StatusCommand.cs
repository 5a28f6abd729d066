using System.Text.Json;
using Sweep.Results.Output;
using Sweep.Results.Storage;
using Sweep.Campaigns;

namespace Sweep.Cli;

/// <summary>`sweep status DIR`: reads the store read-only (WAL readers never block the writer) and prints progress and estimates.</summary>
public static class StatusCommand
{
    public static int Execute(string dir)
    {
        var (campaign, store) = StoredCampaign.Open(dir);
        using (store)
        {
            var samples = store.ReadSamples().ToList();
            var stats = OutputWriter.Aggregate(campaign, samples);
            int shardsDone = store.CompletedShards().Count;
            int shardsTotal = Sweep.Campaigns.ShardPlan.Create(campaign.Points.Count, campaign.Samples, campaign.ShardSize).Count;
            Console.WriteLine($"campaign '{campaign.Name}' ({campaign.Hash[..12]}): {samples.Count}/{campaign.TotalSamples} samples, {shardsDone}/{shardsTotal} shards" +
                (shardsDone == shardsTotal ? " — complete" : " — in progress or stopped (rerun `sweep run` with the same campaign to resume)"));
            var summaries = stats.Select(s => s.Summarize()).ToList();
            SummaryTable.Print(campaign, summaries);
            return 0;
        }
    }
}
