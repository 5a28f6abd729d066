using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Sweep.Campaigns;
using Sweep.Coordinator.Planning;
using Sweep.Results.Storage;
using Sweep.Messages;
using Sweep.Results.Statistics;

namespace Sweep.Coordinator.Actors;

/// <summary>Ask the coordinator to reply <see cref="CampaignFinished"/> once every shard is stored and the outputs written.</summary>
public sealed record NotifyWhenFinished
{
    public static readonly NotifyWhenFinished Instance = new();
}

/// <param name="SamplesPath">samples.csv; null with aggregate storage (there is none).</param>
public sealed record CampaignFinished(string SummaryPath, string? SamplesPath)
{
    /// <summary>The statistics summary.json was written from (every point's results).</summary>
    public IReadOnlyList<Sweep.Results.Statistics.PointSummary>? Points { get; init; }
    /// <summary>Per point, the state against the target (null entries without one).</summary>
    public IReadOnlyList<Sweep.Results.Statistics.TargetState?>? Targets { get; init; }
}

/// <summary>
/// A graceful stop: hand out no more shards, let the shards in flight finish and commit, then reply <see cref="Drained"/>
/// (the campaign is left resumable).
/// </summary>
public sealed record StopHandingOut
{
    public static readonly StopHandingOut Instance = new();
}

/// <summary>No shard is leased or being committed any more; <paramref name="ShardsDone"/> of <paramref name="ShardsTotal"/> are stored.</summary>
public sealed record Drained(int ShardsDone, int ShardsTotal);

/// <summary>The coordinator failed in a way that stops the campaign (disk full, store error).</summary>
public sealed record CampaignFailed(string Message);

public sealed record CoordinatorOptions(string OutputDirectory)
{
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromMinutes(30);
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>How often summary.json is rewritten from the live statistics while the campaign runs (null: never).</summary>
    public TimeSpan? LiveSummaryInterval { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>
    /// The campaign's join token (`sweep credential`, DIR/join-token): a worker must present it with every request; null:
    /// none is required (`run`, and a coordinator started with --insecure, which anyone may join anyway).
    /// </summary>
    public string? JoinToken { get; init; }
    /// <summary>
    /// What this campaign's samples are computed with (<c>NumericsFingerprint</c>): a worker must state the same, or its
    /// samples would differ in their bits; null: not checked (tests).
    /// </summary>
    public string? Numerics { get; init; }
}

/// <summary>
/// Hands out shards pull-style (one lease per worker request, at most one fetched ahead), has each shard's results committed to the store in
/// one transaction by its <see cref="StoreWriterActor"/> (so hand-outs never wait for the disk), forwards accepted
/// results to the aggregator, and has summary.json and samples.csv written when the last shard is stored. Decisions
/// live in <see cref="ShardLedger"/>; this actor only drives it.
/// </summary>
public sealed class CoordinatorActor : ReceiveActor, IWithTimers
{
    public const string Name = "coordinator";
    private sealed record Sweep;
    private sealed record WriteLive;

    private readonly Campaign _campaign;
    private readonly IActorRef _aggregator;
    private readonly CampaignStore _store;      // written only by the store writer, once it exists
    private IActorRef _writer = ActorRefs.Nobody;
    private readonly CoordinatorOptions _options;
    private readonly ShardLedger _ledger;
    private readonly List<IActorRef> _waiting = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private CampaignFinished? _finished;
    private CampaignFailed? _failed;
    private readonly List<IActorRef> _drainWaiters = new();
    private bool _draining;
    private int _committing;     // shards sent to the store writer and not yet answered
    private bool _streamReady;   // with a target: the stored shards' prefixes and stops are known (StreamReady)

    public CoordinatorActor(Campaign campaign, CampaignStore store, IActorRef aggregator, CoordinatorOptions options)
    {
        _campaign = campaign;
        _store = store;
        _aggregator = aggregator;
        _options = options;
        var plan = campaign.Plan();
        _ledger = new ShardLedger(plan, store.CompletedShards(), options.LeaseDuration, campaign.Target is null ? null : campaign.Samples);

        Receive<RequestWork>(OnRequest);
        Receive<StreamReady>(_ => _streamReady = true);
        Receive<ShardCompleted>(OnCompleted);
        Receive<ShardFailed>(f =>
        {
            _log.Warning("worker {0} failed shard {1}/{2}: {3}", f.WorkerId, f.Point, f.ShardIndex, f.Reason);
            if (f.CampaignHash != _campaign.Hash) return;
            if (_ledger.ActiveLeases.Any(l => l.Id == f.LeaseId)) SweepMetrics.ShardsRetried.Add(1);
            // The same error again and again will not go away by retrying: fail the campaign with it instead of looping.
            if (_ledger.Fail(f.LeaseId, f.Point, f.ShardIndex, f.Reason) >= ShardLedger.MaxAttempts && _failed is null && _finished is null)
                Fail($"shard (point {f.Point}, shard {f.ShardIndex}) failed {ShardLedger.MaxAttempts} times with the same error: {f.Reason}");
            CheckDrained();
        });
        Receive<Sweep>(_ =>
        {
            int expired = _ledger.ExpireLeases(DateTime.UtcNow);
            if (expired > 0) _log.Warning("{0} lease(s) expired; their shards are handed out again", expired);
            if (expired > 0) { SweepMetrics.LeasesExpired.Add(expired); SweepMetrics.ShardsRetried.Add(expired); }
            CheckDrained();
        });
        Receive<ClusterEvent.MemberRemoved>(m =>
        {
            var a = m.Member.UniqueAddress;
            int lost = _ledger.ReleaseWorkersWithPrefix($"{a.Address.Host}:{a.Address.Port}:{a.Uid}#");
            if (lost > 0) _log.Warning("node {0} left; {1} shard(s) handed out again", a.Address, lost);
            if (lost > 0) SweepMetrics.ShardsRetried.Add(lost);
            CheckDrained();
        });
        Receive<ClusterEvent.MemberUp>(m =>
        {
            if (m.Member.HasRole(NodeRoles.Worker)) SweepMetrics.WorkersJoined.Add(1);
        });
        Receive<WriteLive>(_ =>
        {
            // The aggregator answers the store writer, which passes it to the samples.csv actor: the one that writes the
            // final summary.json, so a live one can never replace it.
            if (!_ledger.IsComplete && _finished is null && _failed is null) _aggregator.Tell(BuildLiveSummary.Instance, _writer);
        });
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<ClusterEvent.CurrentClusterState>(_ => { });
        Receive<ShardCommitted>(c =>
        {
            _committing--;
            if (c.Accepted) _aggregator.Tell(new ShardAggregated(c.Samples, c.Statistics));
            if (c.Accepted) SweepMetrics.ShardsCommitted.Add(1);
            _ledger.Complete(c.Shard.Point, c.Shard.Index);
            if (_ledger.IsComplete && _finished is null && _failed is null) Finish();
            CheckDrained();
        });
        // With a target: the samples.csv stream saw a point's prefix grow; a stopped point gets no more shards.
        Receive<PrefixAdvanced>(a =>
        {
            _aggregator.Tell(a);
            if (a.State is not { } state) return;
            // A sample's cost in the flop model of SampleCost: its gradient evaluations, Hessians and their tridiagonal reductions
            // at the point's parameter count (deep and stiff points cost many times the easy ones per sample). Without a
            // Hessian count in the prefix (stored before schema 8) it is not known: its Hessians may be most of it.
            _ledger.Observe(a.Point, a.PrefixShards, state.ToGo, double.IsNaN(a.HessiansPerSample) ? 0
                : SampleCost.PerSample(a.EvaluationsPerSample, a.HessiansPerSample, _campaign.Points[a.Point].Problem.Shape.ParameterCount));
            if (state.Stopped is { } why && !_ledger.IsStopped(a.Point))
            {
                _ledger.Close(a.Point, a.PrefixShards);
                _log.Info("point {0} stopped after {1} samples: {2}", a.Point, state.Samples, TargetState.Name(why));
            }
            if (_ledger.IsComplete && _finished is null && _failed is null) Finish();
            CheckDrained();
        });
        Receive<CampaignFinished>(f =>
        {
            _finished = f;
            _log.Info("campaign {0} finished: {1} and {2}", _campaign.Name, f.SummaryPath, f.SamplesPath is null ? "no samples.csv (storage: aggregate)" : f.SamplesPath + " written");
            foreach (var w in _waiting) w.Tell(f);
            _waiting.Clear();
        });
        Receive<StoreFailed>(f => Fail(f.Message));
        Receive<StopHandingOut>(_ =>
        {
            if (!_draining) _log.Info("stopping: no more shards are handed out; waiting for the {0} leased shard(s)", _ledger.Leased);
            _draining = true;
            _drainWaiters.Add(Sender);
            CheckDrained();
        });
        Receive<NotifyWhenFinished>(_ =>
        {
            if (_finished is not null) Sender.Tell(_finished);
            else if (_failed is not null) Sender.Tell(_failed);
            else _waiting.Add(Sender);
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(Campaign campaign, CampaignStore store, IActorRef aggregator, CoordinatorOptions options) =>
        Akka.Actor.Props.Create(() => new CoordinatorActor(campaign, store, aggregator, options)).WithDispatcher(CoordinatorHosting.StoreDispatcher);

    // A failure the store writer did not catch ends the campaign with its message: restarted, the writer would have
    // dropped the shards it held uncommitted, and their workers' answers with them.
    protected override SupervisorStrategy SupervisorStrategy()
    {
        var (self, dir) = (Self, _options.OutputDirectory);
        return new OneForOneStrategy(e =>
        {
            self.Tell(new StoreFailed($"cannot store results in '{dir}': {ActorFailure.Describe(e)}"));
            return Directive.Stop;
        });
    }

    // A failure the coordinator itself did not catch: Akka restarts it from the store, but whoever waits for the campaign
    // (the run command) would wait forever. The campaign ends with the failure's message instead; the store resumes.
    protected override void PreRestart(Exception reason, object message)
    {
        if (_finished is null && _failed is null) Fail($"the coordinator failed: {ActorFailure.Describe(reason)}");
        base.PreRestart(reason, message);
    }

    protected override void PreStart()
    {
        _writer = Context.ActorOf(Akka.Actor.Props.Create(() => new StoreWriterActor(_campaign, _store, _options.OutputDirectory)).WithDispatcher(CoordinatorHosting.StoreDispatcher), "store");
        Timers.StartPeriodicTimer("sweep", new Sweep(), _options.SweepInterval);
        if (_options.LiveSummaryInterval is { } live) Timers.StartPeriodicTimer("live-summary", new WriteLive(), live);
        if (Clustered)
            Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.MemberRemoved), typeof(ClusterEvent.MemberUp));
        if (_ledger.IsComplete) Finish();
    }

    protected override void PostStop()
    {
        if (Clustered) Cluster.Get(Context.System).Unsubscribe(Self);
    }

    private bool Clustered => Context.System.Settings.ProviderClass.Contains("Cluster");

    private bool IsMember(Address address) =>
        address.HasLocalScope || !Clustered || Cluster.Get(Context.System).State.Members.Any(m =>
            m.Address.Equals(address) && m.Status is MemberStatus.Up or MemberStatus.WeaklyUp);

    private void OnRequest(RequestWork r)
    {
        // Admission first: a worker bound to another campaign, or without this campaign's token, gets nothing (not even
        // "finished", which would make it exit 0 as if its own campaign were done) and its node is downed.
        if (Refusal(r) is { } reason)
        {
            Sender.Tell(new JoinRefused(_campaign.Hash, _campaign.Name, reason));
            var address = Sender.Path.Address;
            if (Clustered && !address.HasLocalScope && _refusedNodes.Add(address))
            {
                _log.Warning("refused worker {0} at {1}: {2}; its node is downed", r.WorkerId, address, reason);
                if (IsMember(address)) Cluster.Get(Context.System).Down(address);
            }
            return;
        }
        if (_refusedNodes.Count > 0) _refusedNodes.Remove(Sender.Path.Address);     // restarted with the right token
        if (_finished is not null || _failed is not null)
        {
            Sender.Tell(new NoWorkAvailable(_campaign.Hash, true));
            return;
        }
        // Stopping: workers keep asking (and get work again from the resumed coordinator).
        if (_draining)
        {
            Sender.Tell(new NoWorkAvailable(_campaign.Hash, false));
            return;
        }
        // Leases go only to members of this cluster: a worker still in a previous coordinator's cluster (it has not
        // noticed the restart yet) would never be reported removed, and its leases would wait for expiry. It is told
        // to ask again, by which time it has rejoined.
        if (!IsMember(Sender.Path.Address))
        {
            Sender.Tell(new NoWorkAvailable(_campaign.Hash, false));
            return;
        }
        // With a target, nothing is handed out before the stream has walked the stored shards: until then every point
        // looks unsampled, and a resume would hand out shards past stops its stored samples already decide.
        if (_ledger.Sequential && !_streamReady)
        {
            Sender.Tell(new NoWorkAvailable(_campaign.Hash, false));
            return;
        }
        // At most WorkerProtocol.MaxLeasesPerWorker leases per worker: the shards whose last samples still run, the one
        // whose samples fill its lanes and the one it fetched ahead.
        if (r.Prefetch && _ledger.LeasesOf(r.WorkerId) >= WorkerProtocol.MaxLeasesPerWorker)
        {
            Sender.Tell(new NoWorkAvailable(_campaign.Hash, false));
            return;
        }
        var lease = _ledger.Assign(r.WorkerId, DateTime.UtcNow, keepExisting: r.Prefetch);
        if (lease is null)
        {
            Sender.Tell(new NoWorkAvailable(_campaign.Hash, false));
            return;
        }
        var s = lease.Shard;
        Sender.Tell(new WorkAssignment(_campaign.Hash, lease.Id, s.Point, s.Index, s.FirstSample, s.Count,
            r.KnownCampaign == _campaign.Hash ? null : _campaign.Spec));
    }

    private readonly HashSet<Address> _refusedNodes = new();

    /// <summary>Why <paramref name="r"/> is refused: bound to another campaign, without this campaign's join token, or computing other numerics; null: admitted.</summary>
    private string? Refusal(RequestWork r)
    {
        if (r.Bound is { } bound && !CampaignIdentity.Matches(bound, _campaign.Hash))
            return $"this coordinator serves campaign '{_campaign.Name}' ({Short(_campaign.Hash)}), the worker is bound to {Short(bound)}";
        if (_options.JoinToken is { } token && !CampaignIdentity.TokenEquals(r.JoinToken, token))
            return r.JoinToken is null
                ? $"campaign '{_campaign.Name}' ({Short(_campaign.Hash)}) needs its join token (--join-token FILE)"
                : $"the worker's join token is not that of campaign '{_campaign.Name}' ({Short(_campaign.Hash)}) in this run";
        if (_options.Numerics is { } numerics && r.Numerics != numerics)
            return r.Numerics is null
                ? $"the worker's build does not state its numerics (it predates fingerprints); campaign '{_campaign.Name}' is computed with numerics {numerics}: run a worker of the coordinator's build"
                : $"the worker computes numerics {r.Numerics}, campaign '{_campaign.Name}' is computed with {numerics}: its samples would differ in their bits; run a worker of the coordinator's build";
        return null;
    }

    private static string Short(string hash) => CampaignIdentity.Short(hash);

    private void OnCompleted(ShardCompleted c)
    {
        if (c.CampaignHash != _campaign.Hash) return;
        // Results count only from nodes that were admitted (a refused node's late reply is ignored).
        if (_refusedNodes.Count > 0 && _refusedNodes.Contains(Sender.Path.Address)) return;
        var shard = _ledger.Find(c.Point, c.ShardIndex);
        PointStatistics? statistics = null, exact = null;
        if (shard is null || !ShardResultCheck.IsWellFormed(shard, c, _campaign, out statistics, out exact))
        {
            _log.Error("ignoring a malformed result for shard {0}/{1} from {2}", c.Point, c.ShardIndex, c.WorkerId);
            return;
        }
        // A late duplicate (first result won) or a shard already being committed is ignored.
        if (!_ledger.BeginCommit(c.Point, c.ShardIndex)) return;
        _committing++;
        _writer.Tell(new CommitShard(shard, c.Samples, c.WorkerId, c.Output, statistics, exact));
    }

    private void CheckDrained()
    {
        if (!_draining || _drainWaiters.Count == 0 || _ledger.Leased > 0 || _committing > 0) return;
        var drained = new Drained(_ledger.Done, (int)_ledger.Total);
        foreach (var w in _drainWaiters) w.Tell(drained);
        _drainWaiters.Clear();
    }

    private bool _finishing;

    private void Finish()
    {
        if (_finishing) return;
        _finishing = true;
        _log.Info(_campaign.AggregateOnly ? "all {0} shards stored; writing summary.json (storage: aggregate, no samples.csv)" : "all {0} shards stored; writing summary.json and samples.csv", _ledger.Total);
        _writer.Tell(new WriteOutputs());
    }

    private void Fail(string message)
    {
        _failed = new CampaignFailed(message);
        _log.Error(message);
        foreach (var w in _waiting) w.Tell(_failed);
        _waiting.Clear();
    }
}
