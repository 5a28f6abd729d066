using Akka.Actor;
using Akka.Event;
using Sweep.Messages;
using Sweep.Results;
using Sweep.Results.Output;

namespace Sweep.Worker;

/// <summary>
/// A sharded worker entity: pulls shards from the coordinator, solves them on its own long-lived solver thread (never an
/// Akka dispatcher thread, <see cref="SolverThread"/>) and returns the per-shard results. It keeps one shard queued
/// beyond the one whose samples are being drawn into lanes, so a lane freed by a finished sample takes the next
/// shard's first sample at once: a shard whose last samples straggle no longer leaves the other lanes idle. It holds at
/// most <see cref="WorkerProtocol.MaxLeasesPerWorker"/> shards (stragglers, the one being drawn, the one ahead); each
/// is reported complete only when all its samples are. A silent coordinator is asked again after
/// <see cref="WorkerOptions.RetryInterval"/>.
/// </summary>
public sealed class WorkerEntity : ReceiveActor, IWithTimers
{
    private sealed record ShardSolved(WorkAssignment Assignment, SampleRecord[] Samples, ShardOutput Output);
    private sealed record ShardCrashed(WorkAssignment Assignment, Exception Error);
    private sealed record ShardDrawn(WorkAssignment Assignment);
    private sealed record Retry;

    private const int MaxHeld = WorkerProtocol.MaxLeasesPerWorker;
    // Shards held until the solver has drawn all their samples: one being drawn and one ahead.
    private const int Undrawn = 2;

    private readonly WorkerOptions _options;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly string _workerId;
    private readonly SolverThread _solver;
    private ShardRunner? _runner;
    private int _held;     // shards queued or being solved
    private readonly HashSet<long> _undrawn = [];  // leases of those whose samples are not all in lanes yet
    private bool _refused;

    public WorkerEntity(WorkerOptions options)
    {
        _options = options;
        _workerId = Uri.UnescapeDataString(Self.Path.Name);
        var self = Self;
        _solver = new SolverThread(_workerId, a => self.Tell(new ShardDrawn(a)), // Encoded on the solver thread: the coordinator only appends the bytes and merges the statistics; the
            // per-sample records travel only where the store needs them (traces, ShardOutput.NeedsRecords).
            (a, runner, samples) => self.Tell(new ShardSolved(a, ShardOutput.NeedsRecords(samples, runner.Aggregate) ? samples : [], runner.Encode(a.Point, samples))),
            (a, e) => self.Tell(new ShardCrashed(a, e)));
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
        Receive<ShardDrawn>(d =>
        {
            _undrawn.Remove(d.Assignment.LeaseId);
            if (Wants) Ask(prefetch: true, retry: false);
        });
        Receive<ShardSolved>(s =>
        {
            var a = s.Assignment;
            Coordinator.Tell(new ShardCompleted(_workerId, a.CampaignHash, a.LeaseId, a.Point, a.ShardIndex, s.Samples, s.Output));
            Finished(a);
        });
        Receive<ShardCrashed>(c =>
        {
            var a = c.Assignment;
            _log.Error(c.Error, "shard {0}/{1} failed", a.Point, a.ShardIndex);
            // An exhausted memory or disk is said as such, with what to do: the coordinator passes the reason on if it ends the run.
            Coordinator.Tell(new ShardFailed(_workerId, a.CampaignHash, a.LeaseId, a.Point, a.ShardIndex, Sweep.Results.Storage.Exhausted.Describe(c.Error)));
            Finished(a);
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
        Coordinator.Tell(new RequestWork(_workerId, _runner?.CampaignHash, prefetch, _options.Binding.Hash, _options.Binding.JoinToken, _options.Numerics));
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
        _undrawn.Add(a.LeaseId);
        if (Wants) Ask(prefetch: true, retry: false);   // fetch the next shard while this one is solved
    }

    /// <summary>Room for a shard ahead: fewer than <see cref="Undrawn"/> shards wait for lanes and fewer than <see cref="MaxHeld"/> are held.</summary>
    private bool Wants => _held < MaxHeld && _undrawn.Count < Undrawn;

    private void Finished(WorkAssignment a)
    {
        _held--;
        _undrawn.Remove(a.LeaseId);   // a crashed shard may never have been drawn
        // Room ahead: fetch; none held: idle, keep asking.
        if (_held == 0) Ask(prefetch: true, retry: true);
        else if (Wants) Ask(prefetch: true, retry: false);
    }
}

/// <summary>Published on the node's event stream when the coordinator says its campaign is finished.</summary>
public sealed record CampaignDone(string CampaignHash);

/// <summary>Worker settings: how many entities (threads) per node and where the coordinator lives.</summary>
public sealed record WorkerOptions(int Workers, string CoordinatorPath)
{
    /// <summary>The campaign this worker serves (shared by the node's entities and kept across rejoins).</summary>
    public CampaignBinding Binding { get; init; } = new();
    /// <summary>This build's numerics fingerprint (<see cref="NumericsFingerprint"/>), stated with every request; null in tests.</summary>
    public string? Numerics { get; init; }
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);
}
