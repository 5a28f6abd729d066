using Akka.Actor;
using Akka.Cluster;
using Sweep.Hosting;
using Serilog;
using Sweep.Messages;
using Sweep.Worker;

using Sweep.Campaigns;

namespace Sweep.Cli;

/// <summary>
/// `sweep worker --seed H:P`: joins the coordinator's cluster with the worker role and solves shards until the
/// coordinator says its campaign is finished (exit 0) or until SIGINT/SIGTERM (exit 130/143, in every state: joining,
/// working, waiting). When the coordinator disappears (crash, restart, or this node downed by the split-brain resolver),
/// the node restarts its actor system and joins again, so a restarted coordinator gets its workers back; with
/// --credential, each attempt reads the coordinator's credential file anew (a restarted coordinator writes a new one).
/// </summary>
public static class WorkerCommand
{
    private static readonly TimeSpan CoordinatorGrace = TimeSpan.FromSeconds(10);

    /// <summary>How long a stopping worker spends leaving the cluster gracefully before it stops anyway.</summary>
    internal static readonly TimeSpan LeaveLimit = TimeSpan.FromSeconds(5);

    /// <summary>How long after SIGINT or SIGTERM a worker that has not stopped exits anyway (its graceful leave takes at most <see cref="LeaveLimit"/>).</summary>
    internal static readonly TimeSpan ForcedExitAfter = TimeSpan.FromSeconds(15);

    /// <summary>How long a refused worker waits before it tries the seed again (another campaign may be running there).</summary>
    private static readonly TimeSpan RefusedPause = TimeSpan.FromSeconds(3);

    public static async Task<int> Execute(string seed, int workers, int port, TimeSpan joinTimeout, ClusterNetwork network, string? credential,
        string? joinTokenPath = null, string? campaign = null)
    {
        var parts = seed.Split(':');
        if (parts.Length != 2 || parts[0].Length == 0 || !int.TryParse(parts[1], out var sp) || sp < 1 || sp > 65535)
            throw new UserError($"--seed must be HOST:PORT (got '{seed}')");
        if (credential is not null && (network.Tls is not null || network.Insecure))
            throw new UserError("--credential is the coordinator's own TLS credential: give it, --tls-cert/--tls-ca or --insecure, only one");
        if (credential is null && network.Tls is null && !network.Insecure)
            throw new UserError("a worker needs the coordinator's credential: --credential DIR/" + CredentialFile.FileName +
                " (written by `sweep coordinator` under its --out DIR, readable only by you), or --tls-cert, --tls-ca and --join-token for a coordinator started with them");
        if (campaign is not null && (campaign.Length < 12 || campaign.Length > 64 || !campaign.All(char.IsAsciiHexDigitLower)))
            throw new UserError($"--campaign must be the campaign's hash, or its first 12 or more hex digits, as the coordinator prints it (got '{campaign}')");
        if (network.Tls is not null && joinTokenPath is null)
            throw new UserError("--join-token FILE is needed with --tls-cert: the coordinator admits only workers with its campaign's token (DIR/" +
                JoinTokenFile.FileName + " of the coordinator, or the file `sweep credential` issued for it)");
        if (joinTokenPath is not null && network.Insecure)
            throw new UserError("--join-token: an --insecure coordinator takes no token; use TLS (--tls-cert, --tls-ca) or --credential");
        // The token names the campaign: read now, so a bad file stops the worker before it joins anything.
        var token = joinTokenPath is null ? null : JoinTokenFile.Read(joinTokenPath);
        if (token is not null && campaign is not null && !Sweep.Messages.CampaignIdentity.Matches(campaign, token.CampaignHash))
            throw new UserError($"--campaign {campaign} and --join-token (campaign {token.ShortHash}) name different campaigns");
        // A worker serves one campaign: the one its token or --campaign names, else the first it is handed (printed).
        var binding = new CampaignBinding(token?.CampaignHash ?? campaign, token?.Secret);
        // A worker has no output folder: warnings and errors (Akka's included) go to stderr.
        SweepLogging.ToStderr();
        if (network.Insecure) ClusterArgs.WarnInsecure(network);

        // SIGINT and SIGTERM end every wait below: joining, working, waiting for the coordinator or its credential.
        using var interrupt = new Interrupt();
        using var stopping = new CancellationTokenSource();
        _ = interrupt.First.ContinueWith(_ =>
        {
            try { stopping.Cancel(); }
            catch (ObjectDisposedException) { }     // the command has returned already
        }, TaskScheduler.Default);
        var stop = stopping.Token;
        // Stopping is bounded: a node start or leave that does not observe the signal must not keep the worker running.
        // A second signal, or ForcedExitAfter after the first, ends the process with the signal's code; the worker holds no
        // results of its own (the coordinator re-leases the shards it had).
        _ = interrupt.First.ContinueWith(async first =>
        {
            Console.Error.WriteLine($"{first.Result}: leaving the cluster (again to stop at once)");
            await Task.WhenAny(Task.Delay(ForcedExitAfter), interrupt.Second);
            var signal = first.Result;
            Console.Error.WriteLine($"{signal}: left the cluster without waiting for the node to stop (a second signal, or {ForcedExitAfter.TotalSeconds:0} s)");
            Environment.Exit(signal == System.Runtime.InteropServices.PosixSignal.SIGINT ? 130 : 143);
        }, TaskScheduler.Default).Unwrap();

        // What this build computes, stated with every request: a coordinator whose campaign is computed otherwise refuses it.
        var numerics = Task.Run(() => Sweep.Worker.NumericsFingerprint.Current);
        bool joinedOnce = false;
        // --join-timeout bounds every stretch without this worker's coordinator: before the first join, and after losing
        // it (a coordinator that finished while this worker was paused or cut off never comes back).
        var withoutSince = DateTime.UtcNow;
        string? refusedBy = null;
        bool missingCredential = false;
        while (!stop.IsCancellationRequested)
        {
            var left = joinTimeout - (DateTime.UtcNow - withoutSince);
            if (left <= TimeSpan.Zero && missingCredential)
            {
                Program.WriteFailureLine($"error: no credential at {credential} after {joinTimeout.TotalSeconds:0} s (`sweep coordinator … --out DIR` writes DIR/{CredentialFile.FileName} when it starts)");
                return 1;
            }
            if (left <= TimeSpan.Zero)
            {
                string which = binding.Hash is { } h ? $"of campaign {Sweep.Messages.CampaignIdentity.Short(h)} " : "";
                Program.WriteFailureLine(joinedOnce || refusedBy is not null
                    ? $"error: no coordinator {which}at {seed} for {joinTimeout.TotalSeconds:0} s (--join-timeout){(refusedBy is null ? "" : $"; the one there, of {refusedBy}")}; giving up"
                    : $"error: no coordinator {which}at {seed} within {joinTimeout.TotalSeconds:0} s (--join-timeout): is one listening there{(network.Tls is null && credential is null ? "" : ", and does it trust this node's certificate")}?");
                return 1;
            }
            var tls = network.Tls;
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stop);
            if (credential is not null)
            {
                var read = await ReadCredential(credential, left, stop);
                missingCredential = read is null;
                if (read is null) continue;     // stopped, or the time is up (said above)
                tls = read.Value.Tls;
                // The coordinator that wrote the credential wrote its campaign's join token beside it.
                if (binding.JoinToken is null)
                {
                    var beside = JoinTokenFile.Read(JoinTokenFile.PathIn(Path.GetDirectoryName(Path.GetFullPath(credential))!), "--credential's join token");
                    if (!binding.Serves(beside.CampaignHash))
                        throw new UserError($"--campaign {campaign} is not the campaign of {credential} ({beside.ShortHash})");
                    binding = new CampaignBinding(beside.CampaignHash, beside.Secret);
                }
                // A coordinator restarted meanwhile writes a new credential: try again with it instead of waiting out the join.
                var watched = attempt;
                _ = WhenChanged(credential, read.Value.Data, attempt.Token).ContinueWith(t =>
                {
                    try { if (t.Result) watched.Cancel(); }
                    catch (ObjectDisposedException) { }     // the attempt is over already
                }, TaskScheduler.Default);
            }
            var options = new NodeOptions { Host = network.Host, Port = port, Seed = seed, Tls = tls, UseSerilog = true, Workers = workers, JoinTimeout = left, Binding = binding, Numerics = await numerics };
            if (!joinedOnce)
                Console.WriteLine($"joining the coordinator at {seed} ({(tls is null ? "no TLS" : "mutual TLS")}) to serve " +
                    (binding.Hash is { } b ? $"campaign {Sweep.Messages.CampaignIdentity.Short(b)} only" : "the first campaign it hands out") + $" with numerics {options.Numerics} …");
            SweepNode node;
            try
            {
                node = await SweepNode.StartAsync(options, attempt.Token);
            }
            catch (OperationCanceledException)
            {
                if (stop.IsCancellationRequested) break;
                Console.Error.WriteLine($"the credential at {credential} changed (the coordinator restarted); joining again");
                continue;
            }
            catch (TimeoutException e)
            {
                Log.Warning("no coordinator at {Seed}: {Message}", seed, e.Message);
                continue;       // the loop's head says it and gives up: the time is spent
            }
            finally { attempt.Cancel(); }    // ends the credential watch
            var system = node.System;
            if (!joinedOnce) Console.WriteLine($"worker node {node.Address} joined {seed} with {workers} worker(s); Ctrl-C to leave");
            else Console.Error.WriteLine($"worker node {node.Address} joined {seed} again");
            joinedOnce = true;
            var lost = WatchCoordinator(system, stop);
            var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var refused = new TaskCompletionSource<CampaignRefused>(TaskCreationOptions.RunContinuationsAsynchronously);
            var served = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var listener = system.ActorOf(Props.Create(() => new CampaignListener(finished, refused, served)), "campaign-events");
            system.EventStream.Subscribe(listener, typeof(CampaignDone));
            system.EventStream.Subscribe(listener, typeof(CampaignRefused));
            system.EventStream.Subscribe(listener, typeof(CampaignBound));
            _ = served.Task.ContinueWith(_ => Console.WriteLine($"serving campaign {binding.Hash} (the first this worker was handed); it serves no other"),
                TaskContinuationOptions.OnlyOnRanToCompletion);
            await Task.WhenAny(interrupt.First, system.WhenTerminated, lost, finished.Task, refused.Task);
            if (finished.Task.IsCompleted && !stop.IsCancellationRequested)
            {
                // The campaign is done: leave and exit 0 (compose and Kubernetes then see a finished worker, not a crash).
                Console.WriteLine($"the coordinator at {seed} has finished its campaign; leaving");
                Sweep.Hosting.ExpectedDisconnects.Shared.Expect();     // its coordinator and peers now go away: not news
                await SweepClusterShutdown.TerminateQuietly(node, graceful: true, LeaveLimit);
                return 0;
            }
            // Leave gracefully (the coordinator re-leases this node's shards at once), but never for long.
            await SweepClusterShutdown.TerminateQuietly(node, graceful: true, LeaveLimit);
            if (stop.IsCancellationRequested) break;
            if (refused.Task.IsCompleted)
            {
                var r = refused.Task.Result;
                refusedBy = (r.CampaignName.Length > 0 ? $"campaign '{r.CampaignName}' ({Sweep.Messages.CampaignIdentity.Short(r.CampaignHash)})" : Sweep.Messages.CampaignIdentity.Short(r.CampaignHash))
                    + $", refused this worker: {r.Reason}";
                Console.Error.WriteLine($"refused by the coordinator at {seed}: {r.Reason}; waiting for a coordinator that admits it (--join-timeout)");
                await Task.WhenAny(interrupt.First, Task.Delay(RefusedPause));
                continue;       // still without its coordinator since withoutSince
            }
            // Its coordinator was here until now (WatchCoordinator waits CoordinatorGrace before saying it is lost).
            withoutSince = DateTime.UtcNow - CoordinatorGrace;
            refusedBy = null;
            Console.Error.WriteLine($"lost the coordinator at {seed}; joining again (for up to {joinTimeout.TotalSeconds:0} s, --join-timeout)");
            await Task.WhenAny(interrupt.First, Task.Delay(TimeSpan.FromSeconds(2)));
        }
        var signal = await interrupt.First;
        Console.Error.WriteLine($"{signal}: left the cluster");
        Log.Warning("{Signal} received: worker stopped", signal.ToString());
        return signal == System.Runtime.InteropServices.PosixSignal.SIGINT ? 130 : 143;
    }

    /// <summary>
    /// The credential file once it exists (the coordinator may start after its workers), with its bytes; null when it has
    /// not appeared within <paramref name="timeout"/> or on <paramref name="stop"/>. A file open to others is refused (exit 2).
    /// </summary>
    private static async Task<(TlsOptions Tls, byte[] Data)?> ReadCredential(string path, TimeSpan timeout, CancellationToken stop)
    {
        var deadline = DateTime.UtcNow + timeout;
        bool said = false;
        while (!stop.IsCancellationRequested)
        {
            if (File.Exists(path)) return CredentialFile.Read(path);
            if (Directory.Exists(path)) CredentialFile.Read(path);      // refused with a message naming the file to give
            if (DateTime.UtcNow > deadline) return null;
            if (!said) Console.WriteLine($"waiting for the coordinator's credential at {path} …");
            said = true;
            try { await Task.Delay(TimeSpan.FromMilliseconds(250), stop); }
            catch (OperationCanceledException) { }
        }
        return null;
    }

    /// <summary>True once the file at <paramref name="path"/> holds other bytes than <paramref name="data"/> (or is gone and back); false when cancelled.</summary>
    private static async Task<bool> WhenChanged(string path, byte[] data, CancellationToken cancel)
    {
        while (!cancel.IsCancellationRequested)
        {
            try { await Task.Delay(TimeSpan.FromSeconds(1), cancel); }
            catch (OperationCanceledException) { return false; }
            try
            {
                // Another length is another file; only one as long as the one read is read (bounded: issue 27).
                if (File.Exists(path) && (new FileInfo(path).Length != data.Length || !File.ReadAllBytes(path).AsSpan().SequenceEqual(data))) return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }    // being replaced: look again
        }
        return false;
    }

    private sealed class CampaignListener : ReceiveActor
    {
        public CampaignListener(TaskCompletionSource done, TaskCompletionSource<CampaignRefused> refused, TaskCompletionSource bound)
        {
            Receive<CampaignDone>(_ => done.TrySetResult());
            Receive<CampaignRefused>(r => refused.TrySetResult(r));
            Receive<CampaignBound>(_ => bound.TrySetResult());
        }
    }

    /// <summary>Completes when no reachable, Up coordinator-role member has been seen for <see cref="CoordinatorGrace"/>.</summary>
    private static async Task WatchCoordinator(ActorSystem system, CancellationToken stop)
    {
        var cluster = Cluster.Get(system);
        var lastSeen = DateTime.UtcNow;
        while (!stop.IsCancellationRequested && !system.WhenTerminated.IsCompleted)
        {
            try { await Task.Delay(TimeSpan.FromSeconds(1), stop); }
            catch (OperationCanceledException) { return; }
            var state = cluster.State;
            bool present = state.Members.Any(m => m.HasRole(NodeRoles.Coordinator) && m.Status == MemberStatus.Up && !state.Unreachable.Contains(m));
            if (present) lastSeen = DateTime.UtcNow;
            else if (DateTime.UtcNow - lastSeen > CoordinatorGrace) return;
        }
    }
}
