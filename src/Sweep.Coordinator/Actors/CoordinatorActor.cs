using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Sweep.Coordinator.Campaigns;
using Sweep.Coordinator.Output;
using Sweep.Coordinator.Planning;
using Sweep.Coordinator.Storage;
using Sweep.Messages;

namespace Sweep.Coordinator.Actors;

/// <summary>Ask the coordinator to reply <see cref="CampaignFinished"/> once every shard is stored and the outputs written.</summary>
public sealed record NotifyWhenFinished
{
    public static readonly NotifyWhenFinished Instance = new();
}

public sealed record CampaignFinished(string SummaryPath, string SamplesPath);

/// <summary>The coordinator failed in a way that stops the campaign (disk full, store error).</summary>
public sealed record CampaignFailed(string Message);

public sealed record CoordinatorOptions(string OutputDirectory)
{
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromMinutes(30);
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// Hands out shards pull-style (one lease per worker request), commits each shard's results to the store in one
/// transaction, forwards accepted results to the aggregator, and writes summary.json and samples.csv when the
/// last shard is stored. Decisions live in <see cref="ShardLedger"/>; this actor only drives it. It runs on its own
/// pinned thread because it does blocking SQLite I/O.
/// </summary>
public sealed class CoordinatorActor : ReceiveActor, IWithTimers
{
    public const string Name = "coordinator";
    private sealed record Sweep;

    private readonly Campaign _campaign;
    private readonly CampaignStore _store;
    private readonly IActorRef _aggregator;
    private readonly CoordinatorOptions _options;
    private readonly ShardLedger _ledger;
    private readonly List<IActorRef> _waiting = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private CampaignFinished? _finished;
    private CampaignFailed? _failed;

    public CoordinatorActor(Campaign campaign, CampaignStore store, IActorRef aggregator, CoordinatorOptions options)
    {
        _campaign = campaign;
        _store = store;
        _aggregator = aggregator;
        _options = options;
        var plan = ShardPlan.Create(campaign.Points.Count, campaign.Samples, campaign.ShardSize);
        _ledger = new ShardLedger(plan, store.CompletedShards(), options.LeaseDuration);

        Receive<RequestWork>(OnRequest);
        Receive<ShardCompleted>(OnCompleted);
        Receive<ShardFailed>(f =>
        {
            _log.Warning("worker {0} failed shard {1}/{2}: {3}", f.WorkerId, f.Point, f.ShardIndex, f.Reason);
            _ledger.Fail(f.LeaseId);
        });
        Receive<Sweep>(_ =>
        {
            int expired = _ledger.ExpireLeases(DateTime.UtcNow);
            if (expired > 0) _log.Warning("{0} lease(s) expired; their shards are handed out again", expired);
        });
        Receive<ClusterEvent.MemberRemoved>(m =>
        {
            var a = m.Member.UniqueAddress;
            int lost = _ledger.ReleaseWorkersWithPrefix($"{a.Address.Host}:{a.Address.Port}:{a.Uid}#");
            if (lost > 0) _log.Warning("node {0} left; {1} shard(s) handed out again", a.Address, lost);
        });
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<ClusterEvent.CurrentClusterState>(_ => { });
        Receive<NotifyWhenFinished>(_ =>
        {
            if (_finished is not null) Sender.Tell(_finished);
            else if (_failed is not null) Sender.Tell(_failed);
            else _waiting.Add(Sender);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(Campaign campaign, CampaignStore store, IActorRef aggregator, CoordinatorOptions options) =>
        Akka.Actor.Props.Create(() => new CoordinatorActor(campaign, store, aggregator, options)).WithDispatcher("sweep.store-dispatcher");

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer("sweep", new Sweep(), _options.SweepInterval);
        if (Context.System.HasExtension<Cluster>() || Context.System.Settings.ProviderClass.Contains("Cluster"))
            Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.MemberRemoved));
        if (_ledger.IsComplete) Finish();
    }

    protected override void PostStop()
    {
        if (Context.System.Settings.ProviderClass.Contains("Cluster")) Cluster.Get(Context.System).Unsubscribe(Self);
    }

    private void OnRequest(RequestWork r)
    {
        if (_finished is not null || _failed is not null)
        {
            Sender.Tell(new NoWorkAvailable(_campaign.Hash, true));
            return;
        }
        var lease = _ledger.Assign(r.WorkerId, DateTime.UtcNow);
        if (lease is null)
        {
            Sender.Tell(new NoWorkAvailable(_campaign.Hash, false));
            return;
        }
        var s = lease.Shard;
        Sender.Tell(new WorkAssignment(_campaign.Hash, lease.Id, s.Point, s.Index, s.FirstSample, s.Count,
            r.KnownCampaign == _campaign.Hash ? null : _campaign.Spec));
    }

    private void OnCompleted(ShardCompleted c)
    {
        if (c.CampaignHash != _campaign.Hash) return;
        var shard = _ledger.Find(c.Point, c.ShardIndex);
        if (shard is null || !IsWellFormed(shard, c))
        {
            _log.Error("ignoring a malformed result for shard {0}/{1} from {2}", c.Point, c.ShardIndex, c.WorkerId);
            return;
        }
        if (_ledger.IsDone(c.Point, c.ShardIndex)) return;     // a late duplicate: first result won
        try
        {
            if (_store.CommitShard(shard, c.Samples, c.WorkerId)) _aggregator.Tell(new ShardAggregated(c.Samples));
        }
        catch (Exception e)
        {
            Fail($"cannot store results in '{_options.OutputDirectory}': {e.Message}");
            return;
        }
        _ledger.Complete(c.Point, c.ShardIndex);
        if (_ledger.IsComplete) Finish();
    }

    private static bool IsWellFormed(ShardKey shard, ShardCompleted c)
    {
        if (c.Samples.Length != shard.Count) return false;
        for (int i = 0; i < c.Samples.Length; i++)
            if (c.Samples[i].Point != shard.Point || c.Samples[i].Sample != shard.FirstSample + i) return false;
        return true;
    }

    private void Finish()
    {
        try
        {
            _log.Info("all {0} shards stored; writing summary.json and samples.csv", _ledger.Total);
            var dir = _options.OutputDirectory;
            var samples = _store.ReadSamples().ToList();
            var stats = OutputWriter.Aggregate(_campaign, samples);
            string summaryPath = Path.Combine(dir, "summary.json"), samplesPath = Path.Combine(dir, "samples.csv");
            OutputWriter.WriteSamplesCsv(samplesPath, samples);
            OutputWriter.WriteSummary(summaryPath, OutputWriter.Summary(_campaign, stats, samples.Count, complete: true));
            _finished = new CampaignFinished(summaryPath, samplesPath);
            _log.Info("campaign {0} finished: {1} samples", _campaign.Name, samples.Count);
            foreach (var w in _waiting) w.Tell(_finished);
            _waiting.Clear();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail($"cannot write outputs to '{_options.OutputDirectory}': {e.Message}");
        }
    }

    private void Fail(string message)
    {
        _failed = new CampaignFailed(message);
        _log.Error(message);
        foreach (var w in _waiting) w.Tell(_failed);
        _waiting.Clear();
    }
}
