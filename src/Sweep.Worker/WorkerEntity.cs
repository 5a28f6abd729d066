using Akka.Actor;
using Akka.Event;
using Sweep.Messages;
using Sweep.Results;
using Sweep.Results.Output;

namespace Sweep.Worker;

/// <summary>
/// A sharded worker entity: pulls shards from the coordinator, solves them on its own long-lived solver thread (never an
/// Akka dispatcher thread) and returns the per-shard results. It holds at most two shards: the one being solved and one
/// fetched ahead, queued on the solver thread so that it starts the moment the previous one ends, without a round trip
/// through this actor's mailbox. A silent coordinator is asked again after <see cref="WorkerOptions.RetryInterval"/>.
/// </summary>
public sealed class WorkerEntity : ReceiveActor, IWithTimers
{
    private sealed record ShardSolved(WorkAssignment Assignment, SampleRecord[] Samples, ShardOutput Output);
    private sealed record ShardCrashed(WorkAssignment Assignment, Exception Error);
    private sealed record Retry;

    private const int MaxHeld = 2;

    private readonly WorkerOptions _options;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly string _workerId;
    private readonly SolverThread _solver;
    private ShardRunner? _runner;
    private int _held;     // shards queued or being solved
    private bool _refused;

    public WorkerEntity(WorkerOptions options)
    {
        _options = options;
        _workerId = Uri.UnescapeDataString(Self.Path.Name);
        _solver = new SolverThread(Self, _workerId);
        Receive<StartWorker>(_ => { });
        Receive<Retry>(_ => { if (_held == 0 && !_refused) Ask(prefetch: true, retry: true); });
        Receive<NoWorkAvailable>(n =>
        {
            if (_held > 0) return;
            // The coordinator has every shard stored and its outputs written: tell the node, which leaves and exits.
            // Only the campaign this worker serves: "finished" from another campaign's coordinator is not ours to act on.
            if (n.Finished && _options.Binding.Serves(n.CampaignHash)) Context.System.EventStream.Publish(new CampaignDone(n.CampaignHash));
            else Timers.StartSingleTimer("retry", new Retry(), _options.PollInterval);
        });
        Receive<WorkAssignment>(Accept);
        // Refused (another campaign, or the wrong token): ask no more; the node leaves and waits for its own coordinator.
        Receive<JoinRefused>(r =>
        {
            Timers.Cancel("retry");
            _refused = true;
            Context.System.EventStream.Publish(new CampaignRefused(r.CampaignHash, r.CampaignName, r.Reason));
        });
        Receive<ShardSolved>(s =>
        {
            var a = s.Assignment;
            Coordinator.Tell(new ShardCompleted(_workerId, a.CampaignHash, a.LeaseId, a.Point, a.ShardIndex, s.Samples, s.Output));
            Finished();
        });
        Receive<ShardCrashed>(c =>
        {
            var a = c.Assignment;
            _log.Error(c.Error, "shard {0}/{1} failed", a.Point, a.ShardIndex);
            Coordinator.Tell(new ShardFailed(_workerId, a.CampaignHash, a.LeaseId, a.Point, a.ShardIndex, c.Error.Message));
            Finished();
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    // A fresh start releases whatever an earlier incarnation of this entity held.
    protected override void PreStart() => Ask(prefetch: false, retry: true);

    // The solver finishes the shard in hand (it cannot be interrupted) and exits; its result goes to dead letters and
    // the coordinator hands the shard out again.
    protected override void PostStop() => _solver.Stop();

    private ActorSelection Coordinator => Context.ActorSelection(_options.CoordinatorPath);

    /// <summary>Asks for a shard; with <paramref name="retry"/> (when idle) asks again if the coordinator stays silent.</summary>
    private void Ask(bool prefetch, bool retry)
    {
        if (_refused) return;
        Coordinator.Tell(new RequestWork(_workerId, _runner?.CampaignHash, prefetch, _options.Binding.Hash, _options.Binding.JoinToken));
        if (retry) Timers.StartSingleTimer("retry", new Retry(), _options.RetryInterval);
    }

    private void Accept(WorkAssignment a)
    {
        if (_held >= MaxHeld)
        {
            Coordinator.Tell(new ShardFailed(_workerId, a.CampaignHash, a.LeaseId, a.Point, a.ShardIndex, "already holds a shard ahead"));
            return;
        }
        // The coordinator checks the binding too; this side never solves another campaign's shard whatever it is sent.
        if (!_options.Binding.TryBind(a.CampaignHash, out bool first))
        {
            Coordinator.Tell(new ShardFailed(_workerId, a.CampaignHash, a.LeaseId, a.Point, a.ShardIndex, "this worker serves another campaign"));
            _refused = true;
            Context.System.EventStream.Publish(new CampaignRefused(a.CampaignHash, "", $"the coordinator handed out a shard of campaign {a.CampaignHash[..Math.Min(12, a.CampaignHash.Length)]}, this worker serves {_options.Binding.Hash}"));
            return;
        }
        if (first) Context.System.EventStream.Publish(new CampaignBound(a.CampaignHash));
        if (a.Spec is not null && a.Spec.Hash != _runner?.CampaignHash) _runner = new ShardRunner(a.Spec);
        if (_runner is null || _runner.CampaignHash != a.CampaignHash)
        {
            // We lack this campaign's spec: hand the shard back and ask again without claiming one.
            Coordinator.Tell(new ShardFailed(_workerId, a.CampaignHash, a.LeaseId, a.Point, a.ShardIndex, "campaign spec missing"));
            _runner = null;
            if (_held == 0) Ask(prefetch: true, retry: true);
            return;
        }
        Timers.Cancel("retry");
        _solver.Enqueue(a, _runner);
        _held++;
        if (_held < MaxHeld) Ask(prefetch: true, retry: false);   // fetch the next shard while this one is solved
    }

    private void Finished()
    {
        _held--;
        // One still queued: it is running now, so fetch the one after it; none: idle, keep asking.
        Ask(prefetch: true, retry: _held == 0);
    }

    /// <summary>A dedicated thread that solves queued shards in order and reports each to the entity.</summary>
    private sealed class SolverThread
    {
        private readonly System.Collections.Concurrent.BlockingCollection<(WorkAssignment, ShardRunner)> _queue = new();

        public SolverThread(IActorRef owner, string name)
        {
            var thread = new Thread(() =>
            {
                foreach (var (a, runner) in _queue.GetConsumingEnumerable())
                {
                    object report;
                    try
                    {
                        // Encoded here, on the solver thread: the coordinator only appends the bytes and merges the
                        // statistics. With aggregate storage no per-sample record travels.
                        var samples = runner.Run(a.Point, a.FirstSample, a.Count);
                        report = new ShardSolved(a, runner.Aggregate ? [] : samples, runner.Encode(a.Point, samples));
                    }
                    catch (Exception e) { report = new ShardCrashed(a, e); }
                    owner.Tell(report);
                }
            })
            { IsBackground = true, Name = $"solver {name}" };
            thread.Start();
        }

        public void Enqueue(WorkAssignment a, ShardRunner runner) => _queue.Add((a, runner));

        public void Stop() => _queue.CompleteAdding();
    }
}

/// <summary>Published on the node's event stream when the coordinator says its campaign is finished.</summary>
public sealed record CampaignDone(string CampaignHash);

/// <summary>Worker settings: how many entities (threads) per node and where the coordinator lives.</summary>
public sealed record WorkerOptions(int Workers, string CoordinatorPath)
{
    /// <summary>The campaign this worker serves (shared by the node's entities and kept across rejoins).</summary>
    public CampaignBinding Binding { get; init; } = new();
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);
}
