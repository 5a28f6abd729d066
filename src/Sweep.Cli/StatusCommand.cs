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
            // With a target, each point's complete prefix up to its stop, as the outputs hold it (this streams the
            // samples: a target campaign's status costs a pass over its store); else the stored per-shard statistics.
            IReadOnlyList<Sweep.Results.Statistics.PointStatistics> stats;
            IReadOnlyList<Sweep.Results.Statistics.TargetState?>? targets = null;
            long shardsTotal = campaign.Plan().Count;
            int shardsDone;
            bool complete, binned = false;
            if (campaign.Target is null)
            {
                var progress = StoredStatistics.Read(campaign, store);
                (stats, shardsDone, binned) = (progress.Points, progress.ShardsDone, progress.Binned);
                complete = shardsDone == shardsTotal;
            }
            else
            {
                shardsDone = store.CompletedShards().Count;
                var walk = new Sweep.Results.Statistics.PrefixWalk(campaign);
                foreach (var _ in walk.Filter(store.ReadSamples())) { }
                (stats, targets, complete) = (walk.Stats, walk.States, walk.AllStopped);
            }
            long done = stats.Sum(s => (long)s.Count);
            Log.Debug("status of {Dir}: {Done}/{Total} samples, complete {Complete}, {Blobs} sample blobs read", dir, done, campaign.TotalSamples, complete, store.SampleBlobsRead);
            if (json)
            {
                Console.Out.Write(OutputWriter.SummaryText(OutputWriter.Summary(campaign, stats, done, complete, targets, markApproximate: true)));
                Console.Out.WriteLine();
                return 0;
            }
            Console.WriteLine($"campaign '{campaign.Name}' ({campaign.Hash[..12]}): {done}/{campaign.TotalSamples} samples{(campaign.Target is null ? "" : " (at most: points stop at their target)")}, {shardsDone}/{shardsTotal} shards" +
                (complete ? " — complete" : " — in progress or stopped (rerun `sweep run` with the same campaign to resume)"));
            var (created, builds) = StoreProvenance.Read(store);
            if (created is not null) Console.WriteLine(Sweep.Campaigns.UserError.Printable($"created by {created}"));
            foreach (var b in builds.Where(b => created is null || b.Version != created.Version)) Console.WriteLine(Sweep.Campaigns.UserError.Printable($"also run by {b}"));
            var summaries = stats.Select(s => s.Summarize()).ToList();
            SummaryTable.Print(campaign, summaries, targets);
            if (binned)
                Console.WriteLine($"≈: time quantiles of points over {Sweep.Results.Statistics.CensoredQuantiles.DefaultExactCapacity} samples come from the stored binned histograms (within a relative 1e-3); summary.json has the run's own.");
            return 0;
        }
    }
}
