using Akka.Actor;
using Akka.Event;
using Sweep.Messages;

namespace Sweep.Worker;

/// <summary>
/// A sharded worker entity: pulls shards from the coordinator, solves each on a dedicated thread (never an Akka
/// dispatcher thread) and returns the per-shard results. It asks for the next shard as soon as it starts one, so at
/// most two leases are in flight per worker and no time is lost waiting between shards. A silent coordinator is asked
/// again after <see cref="WorkerOptions.RetryInterval"/>.
/// </summary>
public sealed class WorkerEntity : ReceiveActor, IWithTimers
{
    private sealed record ShardSolved(WorkAssignment Assignment, SampleRecord[] Samples);
    private sealed record ShardCrashed(WorkAssignment Assignment, Exception Error);
    private sealed record Retry;

    private readonly WorkerOptions _options;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly string _workerId;
    private ShardRunner? _runner;
    private WorkAssignment? _next;     // the shard fetched ahead while solving the current one

    public WorkerEntity(WorkerOptions options)
    {
        _options = options;
        _workerId = Uri.UnescapeDataString(Self.Path.Name);
        Idle();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    // A fresh start releases whatever an earlier incarnation of this entity held.
    protected override void PreStart() => Ask(prefetch: false, retry: true);

    private ActorSelection Coordinator => Context.ActorSelection(_options.CoordinatorPath);

    /// <summary>Asks for a shard; with <paramref name="retry"/> (when idle) asks again if the coordinator stays silent.</summary>
    private void Ask(bool prefetch, bool retry)
    {
        Coordinator.Tell(new RequestWork(_workerId, _runner?.CampaignHash, prefetch));
        if (retry) Timers.StartSingleTimer("retry", new Retry(), _options.RetryInterval);
    }

    private void Idle()
    {
        Receive<StartWorker>(_ => { });
        Receive<Retry>(_ => Ask(prefetch: true, retry: true));
        Receive<NoWorkAvailable>(_ => Timers.StartSingleTimer("retry", new Retry(), _options.PollInterval));
        Receive<WorkAssignment>(a =>
        {
            Timers.Cancel("retry");
            Start(a);
        });
    }

    /// <summary>Solves <paramref name="a"/> on a dedicated thread and asks for the next shard at once, so it is waiting when this one ends.</summary>
    private void Start(WorkAssignment a)
    {
        if (a.Spec is not null && a.Spec.Hash != _runner?.CampaignHash) _runner = new ShardRunner(a.Spec);
        if (_runner is null || _runner.CampaignHash != a.CampaignHash)
        {
            // We lack this campaign's spec: hand the shard back and ask again without claiming one.
            Coordinator.Tell(new ShardFailed(_workerId, a.CampaignHash, a.LeaseId, a.Point, a.ShardIndex, "campaign spec missing"));
            _runner = null;
            Become(Idle);
            Ask(prefetch: true, retry: true);
            return;
        }
        var runner = _runner;
        var self = Self;
        Task.Factory.StartNew(() => runner.Run(a.Point, a.FirstSample, a.Count), CancellationToken.None,
                TaskCreationOptions.LongRunning, TaskScheduler.Default)
            .ContinueWith(t => t.IsCompletedSuccessfully ? (object)new ShardSolved(a, t.Result) : new ShardCrashed(a, t.Exception!.GetBaseException()),
                TaskContinuationOptions.ExecuteSynchronously)
            .PipeTo(self);
        _next = null;
        Become(Busy);
        Ask(prefetch: true, retry: false);
    }

    private void Busy()
    {
        Receive<StartWorker>(_ => { });
        Receive<Retry>(_ => { });
        Receive<NoWorkAvailable>(_ => { });
        Receive<WorkAssignment>(a =>
        {
            if (_next is null) _next = a;
            else Coordinator.Tell(new ShardFailed(_workerId, a.CampaignHash, a.LeaseId, a.Point, a.ShardIndex, "already holds a shard ahead"));
        });
        Receive<ShardSolved>(s =>
        {
            var a = s.Assignment;
            Coordinator.Tell(new ShardCompleted(_workerId, a.CampaignHash, a.LeaseId, a.Point, a.ShardIndex, s.Samples));
            Continue();
        });
        Receive<ShardCrashed>(c =>
        {
            var a = c.Assignment;
            _log.Error(c.Error, "shard {0}/{1} failed", a.Point, a.ShardIndex);
            Coordinator.Tell(new ShardFailed(_workerId, a.CampaignHash, a.LeaseId, a.Point, a.ShardIndex, c.Error.Message));
            Continue();
        });
    }

    private void Continue()
    {
        if (_next is { } next) Start(next);
        else
        {
            Become(Idle);
            Ask(prefetch: true, retry: true);
        }
    }
}

/// <summary>Worker settings: how many entities (threads) per node and where the coordinator lives.</summary>
public sealed record WorkerOptions(int Workers, string CoordinatorPath)
{
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);
}
