using Akka.Actor;
using Sweep.Campaigns;
using Sweep.Results.Output;
using Sweep.Coordinator.Planning;
using Sweep.Results.Storage;
using Sweep.Messages;
using Sweep.Results;

namespace Sweep.Coordinator.Actors;

/// <summary>
/// A shard to commit: its samples (none with aggregate storage, nor with full storage when the worker encoded them and no
/// sample has a trace), what the worker encoded (null: encoded here), its decoded statistics (null: folded from the
/// samples) and its decoded exact statistics (full storage, worker-encoded; null: folded from the samples).
/// </summary>
internal sealed record CommitShard(ShardKey Shard, SampleRecord[] Samples, string Worker, ShardOutput? Encoded = null, Sweep.Results.Statistics.PointStatistics? Statistics = null,
    Sweep.Results.Statistics.PointStatistics? Exact = null);
internal sealed record ShardCommitted(ShardKey Shard, SampleRecord[] Samples, bool Accepted, Sweep.Results.Statistics.PointStatistics? Statistics = null);
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
    private readonly List<(CommitShard Commit, IActorRef ReplyTo)> _pending = new();
    private long _pendingSamples;

    /// <summary>Bounds of one group commit: the transaction (and the memory it holds) stays modest.</summary>
    private const int MaxBatchShards = 512;
    private const long MaxBatchSamples = 200_000;

    private sealed record Flush
    {
        public static readonly Flush Instance = new();
    }

    private void Commit()
    {
        if (_pending.Count == 0) return;
        var batch = _pending.ToArray();
        _pending.Clear();
        _pendingSamples = 0;
        bool[] accepted;
        try { accepted = _store.CommitShards(batch.Select(b => (b.Commit.Shard, (IReadOnlyList<SampleRecord>)b.Commit.Samples, b.Commit.Worker, b.Commit.Encoded)).ToArray()); }
        catch (Exception e)
        {
            foreach (var (_, replyTo) in batch.DistinctBy(b => b.ReplyTo)) replyTo.Tell(new StoreFailed($"cannot store results in '{_outputDirectory}': {Sweep.Results.Storage.Exhausted.Describe(e)}"));
            return;
        }
        for (int i = 0; i < batch.Length; i++)
        {
            var c = batch[i].Commit;
            if (accepted[i]) _csv.Tell(new StreamShard(c.Shard, c.Samples, c.Encoded, c.Statistics, c.Exact));
            batch[i].ReplyTo.Tell(new ShardCommitted(c.Shard, c.Samples, accepted[i], c.Statistics));
        }
    }

    public StoreWriterActor(Campaign campaign, CampaignStore store, string outputDirectory)
    {
        _campaign = campaign;
        _store = store;
        _outputDirectory = outputDirectory;
        // Group commit: shards that arrive while one transaction syncs to disk are committed together in the next
        // (one fsync for all of them); each is answered only once its transaction is durable. A Flush sent to itself
        // with the first shard of a batch closes the batch after whatever was queued by then.
        Receive<CommitShard>(c =>
        {
            _pending.Add((c, Sender));
            // Samples whose bytes the batch holds (none with aggregate storage).
            if (c.Samples.Length != 0 || c.Encoded?.Blob is not null) _pendingSamples += c.Shard.Count;
            if (_pending.Count == 1) Self.Tell(Flush.Instance);
            else if (_pending.Count >= MaxBatchShards || _pendingSamples >= MaxBatchSamples) Commit();
        });
        Receive<Flush>(_ => Commit());
        // After every commit before it, so the stream holds every shard when it finishes.
        Receive<WriteOutputs>(w =>
        {
            Commit();
            _csv.Forward(w);
        });
        Receive<LiveSummary>(l => _csv.Forward(l));
    }

    // A failure the samples.csv actor did not catch (memory that ran out in any handler, say) ends the campaign with its
    // message: restarted, the actor would have lost its place in the stream and failed later with a misleading one.
    protected override SupervisorStrategy SupervisorStrategy()
    {
        var (coordinator, dir) = (Context.Parent, _outputDirectory);
        return new OneForOneStrategy(e =>
        {
            coordinator.Tell(new StoreFailed($"cannot write outputs to '{dir}': {ActorFailure.Describe(e)}"));
            return Directive.Stop;
        });
    }

    // The stream starts from the shards stored before this run's first commit, read here on the writer's own thread;
    // every later shard reaches it as a StreamShard.
    protected override void PreStart()
    {
        var stored = _store.CompletedShards();
        var costs = _store.StoredShardCosts();
        var (campaign, store, dir, coordinator) = (_campaign, _store, _outputDirectory, Context.Parent);
        _csv = Context.ActorOf(Props.Create(() => new SamplesCsvActor(campaign, store, stored, costs, dir, coordinator))
            .WithDispatcher(CoordinatorHosting.StoreDispatcher), "samples-csv");
    }
}
