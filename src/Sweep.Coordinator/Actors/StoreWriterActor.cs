using Akka.Actor;
using Sweep.Coordinator.Campaigns;
using Sweep.Coordinator.Output;
using Sweep.Coordinator.Planning;
using Sweep.Coordinator.Storage;
using Sweep.Messages;

namespace Sweep.Coordinator.Actors;

internal sealed record CommitShard(ShardKey Shard, SampleRecord[] Samples, string Worker);
internal sealed record ShardCommitted(ShardKey Shard, SampleRecord[] Samples, bool Accepted);
internal sealed record WriteOutputs;
internal sealed record StoreFailed(string Message);

/// <summary>
/// Owns every write to the campaign store and the output files, on its own thread, so that the coordinator keeps
/// handing out shards while a shard commits (a worker never waits for the disk).
/// </summary>
internal sealed class StoreWriterActor : ReceiveActor
{
    public StoreWriterActor(Campaign campaign, CampaignStore store, string outputDirectory)
    {
        Receive<CommitShard>(c =>
        {
            try { Sender.Tell(new ShardCommitted(c.Shard, c.Samples, store.CommitShard(c.Shard, c.Samples, c.Worker))); }
            catch (Exception e) { Sender.Tell(new StoreFailed($"cannot store results in '{outputDirectory}': {e.Message}")); }
        });
        Receive<WriteOutputs>(_ =>
        {
            try
            {
                var samples = store.ReadSamples().ToList();
                var stats = OutputWriter.Aggregate(campaign, samples);
                string summaryPath = Path.Combine(outputDirectory, "summary.json"), samplesPath = Path.Combine(outputDirectory, "samples.csv");
                OutputWriter.WriteSamplesCsv(samplesPath, samples);
                OutputWriter.WriteSummary(summaryPath, OutputWriter.Summary(campaign, stats, samples.Count, complete: true));
                Sender.Tell(new CampaignFinished(summaryPath, samplesPath));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
            {
                Sender.Tell(new StoreFailed($"cannot write outputs to '{outputDirectory}': {e.Message}"));
            }
        });
    }
}
