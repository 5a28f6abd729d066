using Serilog;
using Sweep.Results.Output;
using Sweep.Results.Storage;

namespace Sweep.Cli;

/// <summary>
/// `sweep status DIR [--json]`: reads the store read-only (WAL readers never block the writer) and prints progress and
/// estimates, or with --json what summary.json would hold now (complete: false until every shard is stored).
/// </summary>
public static class StatusCommand
{
    public static int Execute(string dir, bool json)
    {
        if (Directory.Exists(dir)) SweepLogging.ToDirectory(dir);
        var (campaign, store) = StoredCampaign.Open(dir);
        using (store)
        {
            // With a target, each point's complete prefix up to its stop, as the outputs hold it; else every stored sample.
            IReadOnlyList<Sweep.Results.Statistics.PointStatistics> stats;
            IReadOnlyList<Sweep.Results.Statistics.TargetState?>? targets = null;
            int shardsDone = store.CompletedShards().Count;
            long shardsTotal = campaign.Plan().Count;
            bool complete;
            if (campaign.Target is null)
            {
                stats = OutputWriter.Aggregate(campaign, store.ReadSamples());
                complete = shardsDone == shardsTotal;
            }
            else
            {
                var walk = new Sweep.Results.Statistics.PrefixWalk(campaign);
                foreach (var _ in walk.Filter(store.ReadSamples())) { }
                (stats, targets, complete) = (walk.Stats, walk.States, walk.AllStopped);
            }
            long done = stats.Sum(s => (long)s.Count);
            Log.Debug("status of {Dir}: {Done}/{Total} samples, complete {Complete}", dir, done, campaign.TotalSamples, complete);
            if (json)
            {
                Console.Out.Write(OutputWriter.SummaryText(OutputWriter.Summary(campaign, stats, done, complete, targets)));
                Console.Out.WriteLine();
                return 0;
            }
            Console.WriteLine($"campaign '{campaign.Name}' ({campaign.Hash[..12]}): {done}/{campaign.TotalSamples} samples{(campaign.Target is null ? "" : " (at most: points stop at their target)")}, {shardsDone}/{shardsTotal} shards" +
                (complete ? " — complete" : " — in progress or stopped (rerun `sweep run` with the same campaign to resume)"));
            var (created, builds) = StoreProvenance.Read(store);
            if (created is not null) Console.WriteLine($"created by {created}");
            foreach (var b in builds.Where(b => created is null || b.Version != created.Version)) Console.WriteLine($"also run by {b}");
            var summaries = stats.Select(s => s.Summarize()).ToList();
            SummaryTable.Print(campaign, summaries, targets);
            return 0;
        }
    }
}
