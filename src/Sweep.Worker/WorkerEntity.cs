using Akka.Actor;
using Akka.Event;
using Sweep.Messages;

namespace Sweep.Worker;

/// <summary>
/// A sharded worker entity: pulls one shard at a time from the coordinator, solves it on a dedicated thread (never an
/// Akka dispatcher thread), returns the per-shard results and pulls again. A silent coordinator is asked again
/// after <see cref="WorkerOptions.RetryInterval"/>.
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

    public WorkerEntity(WorkerOptions options)
    {
        _options = options;
        _workerId = Uri.UnescapeDataString(Self.Path.Name);
        Idle();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart() => Ask();

    private ActorSelection Coordinator => Context.ActorSelection(_options.CoordinatorPath);

    private void Ask()
    {
        Coordinator.Tell(new RequestWork(_workerId, _runner?.CampaignHash));
        Timers.StartSingleTimer("retry", new Retry(), _options.RetryInterval);
    }

    private void Idle()
    {
        Receive<StartWorker>(_ => { });
        Receive<Retry>(_ => Ask());
        Receive<NoWorkAvailable>(_ => Timers.StartSingleTimer("retry", new Retry(), _options.PollInterval));
        Receive<WorkAssignment>(a =>
        {
            Timers.Cancel("retry");
            if (a.Spec is not null && a.Spec.Hash != _runner?.CampaignHash) _runner = new ShardRunner(a.Spec);
            if (_runner is null || _runner.CampaignHash != a.CampaignHash)
            {
                _runner = null;      // we lack this campaign's spec: ask again without claiming one
                Ask();
                return;
            }
            var runner = _runner;
            var self = Self;
            Task.Factory.StartNew(() => runner.Run(a.Point, a.FirstSample, a.Count), CancellationToken.None,
                    TaskCreationOptions.LongRunning, TaskScheduler.Default)
                .ContinueWith(t => t.IsCompletedSuccessfully ? (object)new ShardSolved(a, t.Result) : new ShardCrashed(a, t.Exception!.GetBaseException()),
                    TaskContinuationOptions.ExecuteSynchronously)
                .PipeTo(self);
            Become(Busy);
        });
    }

    private void Busy()
    {
        Receive<StartWorker>(_ => { });
        Receive<Retry>(_ => { });
        Receive<NoWorkAvailable>(_ => { });
        Receive<WorkAssignment>(a => _log.Warning("ignoring assignment of lease {0} while busy", a.LeaseId));
        Receive<ShardSolved>(s =>
        {
            var a = s.Assignment;
            Coordinator.Tell(new ShardCompleted(_workerId, a.CampaignHash, a.LeaseId, a.Point, a.ShardIndex, s.Samples));
            Become(Idle);
            Ask();
        });
        Receive<ShardCrashed>(c =>
        {
            var a = c.Assignment;
            _log.Error(c.Error, "shard {0}/{1} failed", a.Point, a.ShardIndex);
            Coordinator.Tell(new ShardFailed(_workerId, a.CampaignHash, a.LeaseId, a.Point, a.ShardIndex, c.Error.Message));
            Become(Idle);
            Ask();
        });
    }
}

/// <summary>Worker settings: how many entities (threads) per node and where the coordinator lives.</summary>
public sealed record WorkerOptions(int Workers, string CoordinatorPath)
{
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);
}
