using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Sweep.Coordinator.Actors;
using Sweep.Coordinator.Campaigns;
using Sweep.Coordinator.Storage;
using Sweep.Messages;
using Sweep.Worker;

namespace Sweep.Coordinator.Hosting;

/// <summary>How a node joins: its bind address, its roles, and the seed to join (null: it is the seed).</summary>
public sealed record NodeOptions(string Host, int Port, IReadOnlyList<string> Roles, string? Seed)
{
    public const string SystemName = "sweep";
    public const string CoordinatorRole = "coordinator";
    public bool UseSerilog { get; init; }
}

/// <summary>A running campaign on this node.</summary>
public sealed record CampaignHandle(IActorRef Coordinator, IActorRef Aggregator);

/// <summary>
/// The one wiring used by `sweep run` (a one-node cluster on 127.0.0.1 with both roles), by the multi-process
/// coordinator and worker commands, and by the tests.
/// </summary>
public static class SweepCluster
{
    public static Config NodeConfig(NodeOptions o)
    {
        string roles = string.Join(", ", o.Roles.Select(r => $"\"{r}\""));
        string loggers = o.UseSerilog ? """loggers = ["Akka.Logger.Serilog.SerilogLogger, Akka.Logger.Serilog"]""" : "";
        return ConfigurationFactory.ParseString($$"""
            akka {
              loglevel = INFO
              stdout-loglevel = OFF
              {{loggers}}
              log-dead-letters = 0
              log-dead-letters-during-shutdown = off
              actor {
                provider = cluster
                serializers { sweep = "Sweep.Messages.SweepSerializer, Sweep.Messages" }
                serialization-bindings { "Sweep.Messages.ISweepMessage, Sweep.Messages" = sweep }
                serialization-identifiers { "Sweep.Messages.SweepSerializer, Sweep.Messages" = {{SweepSerializer.Id}} }
              }
              remote.dot-netty.tcp {
                hostname = "{{o.Host}}"
                port = {{o.Port}}
                maximum-frame-size = 16MiB
              }
              cluster {
                roles = [{{roles}}]
                min-nr-of-members = 1
                # Keep-oldest with down-if-alone off: the coordinator joins first and is the oldest, so a
                # coordinator + one worker that lose sight of each other down the worker, never the coordinator.
                downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                split-brain-resolver {
                  active-strategy = keep-oldest
                  stable-after = 7s
                  keep-oldest.down-if-alone = off
                }
                failure-detector.acceptable-heartbeat-pause = 6s
                sharding {
                  role = "{{WorkerSharding.Role}}"
                  passivate-idle-entity-after = off
                  remember-entities = off
                }
              }
              coordinated-shutdown.exit-clr = off
              coordinated-shutdown.run-by-clr-shutdown-hook = off
            }
            sweep.store-dispatcher { type = PinnedDispatcher }
            """);
    }

    /// <summary>Starts the actor system and waits until this node is Up in the cluster.</summary>
    public static async Task<ActorSystem> StartNodeAsync(NodeOptions options, TimeSpan timeout)
    {
        var system = ActorSystem.Create(NodeOptions.SystemName, NodeConfig(options));
        var cluster = Cluster.Get(system);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        if (options.Seed is null) cluster.Join(cluster.SelfAddress);
        else
        {
            var parts = options.Seed.Split(':');
            cluster.JoinSeedNodes([new Address("akka.tcp", NodeOptions.SystemName, parts[0], int.Parse(parts[1]))]);
        }
        if (await Task.WhenAny(up.Task, Task.Delay(timeout)) != up.Task)
        {
            await system.Terminate();
            throw new TimeoutException($"this node did not join the cluster within {timeout.TotalSeconds:0} s" +
                (options.Seed is null ? "" : $" (is a coordinator listening at {options.Seed}?)"));
        }
        return system;
    }

    /// <summary>Starts the coordinator and aggregator of a campaign whose store is open.</summary>
    public static CampaignHandle StartCampaign(ActorSystem system, Campaign campaign, CampaignStore store, CoordinatorOptions options)
    {
        var stored = store.ReadSamples().ToList();
        var aggregator = system.ActorOf(Props.Create(() => new AggregatorActor(campaign, stored)), "aggregator");
        var coordinator = system.ActorOf(CoordinatorActor.Props(campaign, store, aggregator, options), CoordinatorActor.Name);
        return new CampaignHandle(coordinator, aggregator);
    }

    /// <summary>Path of the coordinator seen from a worker: local, or on the seed node.</summary>
    public static string CoordinatorPath(string? seed) =>
        seed is null ? $"/user/{CoordinatorActor.Name}" : $"akka.tcp://{NodeOptions.SystemName}@{seed}/user/{CoordinatorActor.Name}";
}
