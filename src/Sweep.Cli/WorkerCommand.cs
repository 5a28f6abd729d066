using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Cluster;
using Sweep.Hosting;
using Serilog;
using Sweep.Messages;
using Sweep.Worker;

using Sweep.Campaigns;

namespace Sweep.Cli;

/// <summary>
/// `sweep worker --seed H:P`: joins the coordinator's cluster with the worker role and solves shards until stopped
/// (Ctrl-C or SIGTERM leave the cluster gracefully) or until the coordinator says its campaign is finished (exit 0). When the coordinator disappears (crash, restart, or this node
/// downed by the split-brain resolver), the node restarts its actor system and joins again, so a restarted
/// coordinator gets its workers back.
/// </summary>
public static class WorkerCommand
{
    private static readonly TimeSpan CoordinatorGrace = TimeSpan.FromSeconds(10);

    public static async Task<int> Execute(string seed, int workers, int port, TimeSpan joinTimeout, (string Host, TlsOptions? Tls) network)
    {
        var parts = seed.Split(':');
        if (parts.Length != 2 || parts[0].Length == 0 || !int.TryParse(parts[1], out var sp) || sp < 1 || sp > 65535)
            throw new UserError($"--seed must be HOST:PORT (got '{seed}')");
        var (host, tls) = network;
        // A worker has no output folder: warnings and errors (Akka's included) go to stderr.
        SweepLogging.ToStderr();

        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.TrySetResult(); };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });

        bool joinedOnce = false;
        while (!stop.Task.IsCompleted)
        {
            var options = new NodeOptions { Host = host, Port = port, Seed = seed, Tls = tls, UseSerilog = true, Workers = workers, JoinTimeout = joinTimeout };
            SweepNode node;
            try
            {
                node = await SweepNode.StartAsync(options);
            }
            catch (TimeoutException e)
            {
                if (!joinedOnce)
                {
                    Console.Error.WriteLine($"error: {e.Message}{(tls is null ? "" : "; with TLS, check that both nodes' certificates are signed by the same --tls-ca")}");
                    return 1;
                }
                Console.Error.WriteLine($"still waiting for the coordinator at {seed}: {e.Message}");
                continue;
            }
            joinedOnce = true;
            var system = node.System;
            Console.WriteLine($"worker node {node.Address} joined {seed} with {workers} worker(s); Ctrl-C to leave");
            var lost = WatchCoordinator(system, stop.Task);
            var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            system.EventStream.Subscribe(system.ActorOf(Props.Create(() => new DoneListener(finished)), "campaign-done"), typeof(CampaignDone));
            await Task.WhenAny(stop.Task, system.WhenTerminated, lost, finished.Task);
            if (finished.Task.IsCompleted && !stop.Task.IsCompleted)
            {
                // The campaign is done: leave and exit 0 (compose and Kubernetes then see a finished worker, not a crash).
                Console.WriteLine($"the coordinator at {seed} has finished its campaign; leaving");
                await SweepClusterShutdown.TerminateQuietly(node);
                break;
            }
            if (stop.Task.IsCompleted)
            {
                await SweepClusterShutdown.TerminateQuietly(node);
                break;
            }
            Console.Error.WriteLine($"lost the coordinator at {seed}; joining again");
            await SweepClusterShutdown.TerminateQuietly(node);
            await Task.WhenAny(stop.Task, Task.Delay(TimeSpan.FromSeconds(2)));
        }
        return 0;
    }

    private sealed class DoneListener : ReceiveActor
    {
        public DoneListener(TaskCompletionSource done) => Receive<CampaignDone>(_ => done.TrySetResult());
    }

    /// <summary>Completes when no reachable, Up coordinator-role member has been seen for <see cref="CoordinatorGrace"/>.</summary>
    private static async Task WatchCoordinator(ActorSystem system, Task stop)
    {
        var cluster = Cluster.Get(system);
        var lastSeen = DateTime.UtcNow;
        while (!stop.IsCompleted && !system.WhenTerminated.IsCompleted)
        {
            await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(1)));
            var state = cluster.State;
            bool present = state.Members.Any(m => m.HasRole(NodeRoles.Coordinator) && m.Status == MemberStatus.Up && !state.Unreachable.Contains(m));
            if (present) lastSeen = DateTime.UtcNow;
            else if (DateTime.UtcNow - lastSeen > CoordinatorGrace) return;
        }
    }
}
