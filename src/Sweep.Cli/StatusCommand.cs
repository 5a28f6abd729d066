using Serilog;
using Sweep.Results.Output;
using Sweep.Results.Storage;

namespace Sweep.Cli;

/// <summary>
/// `sweep status DIR [--json]`: reads the store without writing anything (beside a running writer, or as an immutable
/// file when none runs) and prints progress and estimates, or with --json what summary.json would hold now
/// (complete: false until every shard is stored). It reads each shard's stored statistics, not its samples
/// (<see cref="StoredStatistics"/>), so its time and memory do not grow with the sample count.
/// </summary>
public static class StatusCommand
{
    public static int Execute(string dir, bool json)
    {
        SweepLogging.ForReader(dir);
        var (campaign, store) = StoredCampaign.Open(dir, quickCheck: false);
        using (store)
        {
            var progress = StoredStatistics.Read(campaign, store);
            long done = progress.SamplesDone;
            int shardsDone = progress.ShardsDone;
            int shardsTotal = Sweep.Campaigns.ShardPlan.Create(campaign.Points.Count, campaign.Samples, campaign.ShardSize).Count;
            bool complete = shardsDone == shardsTotal;
            Log.Debug("status of {Dir}: {Done}/{Total} samples, complete {Complete}, {Blobs} sample blobs read", dir, done, campaign.TotalSamples, complete, store.SampleBlobsRead);
            if (json)
            {
                Console.Out.Write(OutputWriter.SummaryText(OutputWriter.Summary(campaign, progress.Points, done, complete, markApproximate: true)));
                Console.Out.WriteLine();
                return 0;
            }
            Console.WriteLine($"campaign '{campaign.Name}' ({campaign.Hash[..12]}): {done}/{campaign.TotalSamples} samples, {shardsDone}/{shardsTotal} shards" +
                (complete ? " — complete" : " — in progress or stopped (rerun `sweep run` with the same campaign to resume)"));
            var (created, builds) = StoreProvenance.Read(store);
            if (created is not null) Console.WriteLine($"created by {created}");
            foreach (var b in builds.Where(b => created is null || b.Version != created.Version)) Console.WriteLine($"also run by {b}");
            var summaries = progress.Points.Select(s => s.Summarize()).ToList();
            SummaryTable.Print(campaign, summaries);
            if (progress.Binned)
                Console.WriteLine($"≈: time quantiles of points over {Sweep.Results.Statistics.CensoredQuantiles.DefaultExactCapacity} samples come from the stored binned histograms (within a relative 1e-3); summary.json has the run's own.");
            return 0;
        }
    }
}
