using Akka.Actor;
using Sweep.Campaigns;
using Sweep.Results.Output;
using Sweep.Coordinator.Planning;
using Sweep.Results.Storage;
using Sweep.Messages;
using Sweep.Results;

namespace Sweep.Coordinator.Actors;

internal sealed record CommitShard(ShardKey Shard, SampleRecord[] Samples, string Worker);
internal sealed record ShardCommitted(ShardKey Shard, SampleRecord[] Samples, bool Accepted);
internal sealed record WriteOutputs;
internal sealed record StoreFailed(string Message);

/// <summary>
/// Owns every write to the campaign store, on its own thread, so that the coordinator keeps handing out shards while a
/// shard commits (a worker never waits for the disk). Each accepted shard goes on to a <see cref="SamplesCsvActor"/>
/// (samples.csv streamed as shards commit, so finishing a campaign does not read every sample back); the final
/// <see cref="WriteOutputs"/> follows the same path, after every shard.
/// </summary>
internal sealed class StoreWriterActor : ReceiveActor
{
    private readonly Campaign _campaign;
    private readonly CampaignStore _store;
    private readonly string _outputDirectory;
    private IActorRef _csv = ActorRefs.Nobody;

    public StoreWriterActor(Campaign campaign, CampaignStore store, string outputDirectory)
    {
        _campaign = campaign;
        _store = store;
        _outputDirectory = outputDirectory;
        Receive<CommitShard>(c =>
        {
            try
            {
                bool accepted = store.CommitShard(c.Shard, c.Samples, c.Worker);
                if (accepted) _csv.Tell(new StreamShard(c.Shard, c.Samples));
                Sender.Tell(new ShardCommitted(c.Shard, c.Samples, accepted));
            }
            catch (Exception e) { Sender.Tell(new StoreFailed($"cannot store results in '{outputDirectory}': {e.Message}")); }
        });
        // After every commit before it, so the stream holds every shard when it finishes.
        Receive<WriteOutputs>(w => _csv.Forward(w));
        Receive<LiveSummary>(l => _csv.Forward(l));
    }

    // The stream starts from the shards stored before this run's first commit, read here on the writer's own thread;
    // every later shard reaches it as a StreamShard.
    protected override void PreStart()
    {
        var stored = _store.CompletedShards();
        var (campaign, store, dir, coordinator) = (_campaign, _store, _outputDirectory, Context.Parent);
        _csv = Context.ActorOf(Props.Create(() => new SamplesCsvActor(campaign, store, stored, dir, coordinator))
            .WithDispatcher(CoordinatorHosting.StoreDispatcher), "samples-csv");
    }
}
