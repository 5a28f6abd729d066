using Serilog;
using Sweep.Campaigns;
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
    public static int Execute(string dir, bool json, bool allPoints = false, int? onePoint = null)
    {
        SweepLogging.ForReader(dir);
        var (campaign, store) = StoredCampaign.Open(dir, quickCheck: false);
        using (store)
        {
            var progress = StoredStatistics.Current(campaign, store);
            var (stats, targets, shardsDone, shardsTotal, complete, binned) = (progress.Points, progress.Targets, progress.ShardsDone, progress.ShardsTotal, progress.Complete, progress.Binned);
            long done = stats.Sum(s => (long)s.Count);
            Log.Debug("status of {Dir}: {Done}/{Total} samples, complete {Complete}, {Blobs} sample blobs read", dir, done, campaign.TotalSamples, complete, store.SampleBlobsRead);
            if (json)
            {
                Console.Out.Write(OutputWriter.SummaryText(OutputWriter.Summary(campaign, stats, done, complete, targets, markApproximate: true)));
                Console.Out.WriteLine();
                return 0;
            }
            if (onePoint is int n && (n < 0 || n >= campaign.Points.Count))
                throw new UserError($"--point {n}: the campaign has points 0 to {campaign.Points.Count - 1}");
            Console.WriteLine($"campaign '{campaign.Name}' ({campaign.Hash[..12]}): {done}/{campaign.TotalSamples} samples{(campaign.Target is null ? "" : " (at most)")}, {shardsDone}/{shardsTotal} shards" +
                (complete ? " — complete" : " — in progress or stopped"));
            if (!complete) Console.WriteLine("(a stopped campaign resumes with `sweep run` of the same campaign and DIR)");
            if (campaign.AggregateOnly) Console.WriteLine($"storage: aggregate — samples.csv {OutputWriter.NoSamplesCsv}");
            var (created, builds) = StoreProvenance.Read(store);
            var runs = StoreProvenance.Lines(created, builds, StoreProvenance.CampaignNumerics(store)).Concat(store.GrowthHistory.Select(g => $"grown {g}"));
            foreach (var line in runs.SelectMany(l => SummaryTable.Wrap(Sweep.Campaigns.UserError.Printable(l), "")))
                Console.WriteLine(line);
            var summaries = stats.Select(s => s.Summarize()).ToList();
            if (onePoint is int only)
            {
                foreach (var line in SummaryTable.Details(campaign, summaries[only], targets?[only])) Console.WriteLine(line);
                return 0;
            }
            SummaryTable.Print(campaign, summaries, targets, allPoints ? null : "per point (labels at the stop, time quantiles, target): --points, or --point N");
            if (allPoints)
                foreach (var s in summaries)
                {
                    Console.WriteLine();
                    foreach (var line in SummaryTable.Details(campaign, s, targets?[s.Point])) Console.WriteLine(line);
                }
            if (binned && campaign.AggregateOnly)
                foreach (var line in SummaryTable.Wrap("≈: time quantiles come from the shards' binned histograms (within a relative 1e-3), as in summary.json.", ""))
                    Console.WriteLine(line);
            else if (binned)
                foreach (var line in SummaryTable.Wrap($"≈: time quantiles of points over {Sweep.Results.Statistics.CensoredQuantiles.DefaultExactCapacity} samples come from the stored binned histograms (within a relative 1e-3); summary.json has the run's own.", ""))
                    Console.WriteLine(line);
            return 0;
        }
    }
}
