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
/// handing out shards while a shard commits (a worker never waits for the disk). samples.csv is streamed as shards
/// commit (<see cref="SamplesCsvStream"/>), so finishing a campaign does not read every sample back.
/// </summary>
internal sealed class StoreWriterActor : ReceiveActor
{
    private readonly Campaign _campaign;
    private readonly CampaignStore _store;
    private readonly string _outputDirectory;
    private SamplesCsvStream? _csv;     // null only if it could not be started (the coordinator has been told)

    public StoreWriterActor(Campaign campaign, CampaignStore store, string outputDirectory)
    {
        _campaign = campaign;
        _store = store;
        _outputDirectory = outputDirectory;
        string summaryPath = Path.Combine(outputDirectory, "summary.json"), samplesPath = Path.Combine(outputDirectory, "samples.csv");
        Receive<CommitShard>(c =>
        {
            try
            {
                bool accepted = store.CommitShard(c.Shard, c.Samples, c.Worker);
                if (accepted) _csv!.Add(c.Shard, c.Samples);
                Sender.Tell(new ShardCommitted(c.Shard, c.Samples, accepted));
            }
            catch (Exception e) { Sender.Tell(new StoreFailed($"cannot store results in '{outputDirectory}': {e.Message}")); }
        });
        Receive<WriteOutputs>(_ =>
        {
            try
            {
                var csv = _csv ?? throw new InvalidOperationException("the samples.csv stream could not be started");
                var stats = csv.Finish(samplesPath);
                OutputWriter.WriteSummary(summaryPath, OutputWriter.Summary(campaign, stats, csv.Written, complete: true));
                Sender.Tell(new CampaignFinished(summaryPath, samplesPath));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or Microsoft.Data.Sqlite.SqliteException)
            {
                Sender.Tell(new StoreFailed($"cannot write outputs to '{outputDirectory}': {e.Message}"));
            }
        });
    }

    // Starting the stream re-reads the shards an earlier run stored; PreStart runs on this actor's own thread.
    protected override void PreStart()
    {
        try { _csv = new SamplesCsvStream(_campaign, _outputDirectory, _store.CompletedShards(), _store.ReadShard); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            Context.Parent.Tell(new StoreFailed($"cannot write outputs to '{_outputDirectory}': {e.Message}"));
        }
    }
}
