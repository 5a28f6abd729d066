using System.Text.Json;
using Sweep.Coordinator.Campaigns;
using Sweep.Coordinator.Output;
using Sweep.Coordinator.Storage;
using Sweep.Coordinator.Actors;

namespace Sweep.Cli;

/// <summary>`sweep status DIR`: reads the store read-only (WAL readers never block the writer) and prints progress and estimates.</summary>
public static class StatusCommand
{
    public static int Execute(Args args)
    {
        if (args.Positionals.Count != 1) throw new UsageException("usage: sweep status DIR");
        var (campaign, store) = OpenCampaign(args.Positionals[0]);
        using (store)
        {
            var samples = store.ReadSamples().ToList();
            var stats = OutputWriter.Aggregate(campaign, samples);
            int shardsDone = store.CompletedShards().Count;
            int shardsTotal = Coordinator.Planning.ShardPlan.Create(campaign.Points.Count, campaign.Samples, campaign.ShardSize).Count;
            Console.WriteLine($"campaign '{campaign.Name}' ({campaign.Hash[..12]}): {samples.Count}/{campaign.TotalSamples} samples, {shardsDone}/{shardsTotal} shards" +
                (shardsDone == shardsTotal ? " — complete" : " — in progress or stopped (rerun `sweep run` with the same campaign to resume)"));
            var summaries = stats.Select(s => s.Summarize()).ToList();
            SummaryTable.Print(campaign, new Progress(samples.Count, campaign.TotalSamples, summaries, DateTime.UtcNow, samples.Count));
            return 0;
        }
    }

    /// <summary>The campaign as stored in DIR (parsed from its normalised JSON, data paths relative to the original file are not needed).</summary>
    public static (Campaign, CampaignStore) OpenCampaign(string dir)
    {
        var (store, error) = CampaignStore.Open(CampaignStore.PathIn(dir), readOnly: true);
        if (store is null) throw error!.UserError ? new UsageException(error.Message) : new StoreFailure(error.Message);
        var json = store.TryGetMeta("campaign");
        if (json is null) { store.Dispose(); throw new UsageException($"'{dir}' holds no campaign yet"); }
        var campaign = CampaignFromStore(json, store, dir);
        return (campaign, store);
    }

    private static Campaign CampaignFromStore(string json, CampaignStore store, string dir)
    {
        // Data problems name their CSVs relative to the campaign file; the directory of that file was recorded.
        var baseDir = store.TryGetMeta("base_dir") ?? dir;
        var (campaign, error) = CampaignLoader.Parse(json, baseDir);
        if (campaign is null) throw new StoreFailure($"cannot rebuild the campaign stored in '{dir}': {error}");
        return campaign;
    }
}
