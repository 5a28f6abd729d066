using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Sweep.Messages;

namespace Sweep.Worker;

/// <summary>
/// Wires the worker feature: a Cluster.Sharding region of <see cref="WorkerEntity"/> on worker-role nodes. Each node
/// owns one shard (named after its address) holding its <see cref="WorkerOptions.Workers"/> entities, placed on the
/// node that asks for it by <see cref="RequesterAllocationStrategy"/>, so every node runs as many solver threads
/// as it was given.
/// </summary>
public static class WorkerSharding
{
    public const string TypeName = "worker";

    /// <summary>Registers the worker region with <paramref name="options"/>.Workers entities on this node.</summary>
    /// <remarks>
    /// Akka.Cluster.Hosting's WithShardRegion takes no allocation strategy (1.5.73), and the default one may place a
    /// node's shard, with its solver threads, on another node; so the region is started here, from the same builder.
    /// </remarks>
    public static AkkaConfigurationBuilder AddWorkers(this AkkaConfigurationBuilder builder, WorkerOptions options) =>
        builder.WithActors((system, registry) => registry.Register<WorkerRegion>(system.StartWorkers(options)));

    private static IActorRef StartWorkers(this ActorSystem system, WorkerOptions options)
    {
        var sharding = ClusterSharding.Get(system);
        // The rest of the settings (state store, passivation) come from the node's configuration (Sweep.Hosting).
        var settings = ClusterShardingSettings.Create(system).WithRole(NodeRoles.Worker);
        var region = sharding.Start(TypeName, Props.Create(() => new WorkerEntity(options)), settings, new Extractor(),
            new RequesterAllocationStrategy(), PoisonPill.Instance);
        var node = Cluster.Get(system).SelfAddress;
        string nodeId = $"{node.Host}:{node.Port}:{Cluster.Get(system).SelfUniqueAddress.Uid}";
        for (int k = 0; k < options.Workers; k++) region.Tell(new StartWorker($"{nodeId}#{k}"));
        return region;
    }

    private sealed class Extractor : IMessageExtractor
    {
        public string? EntityId(object message) => message is IWorkerMessage m ? m.WorkerId : null;
        public object? EntityMessage(object message) => message;
        public string? ShardId(object message) => message switch
        {
            IWorkerMessage m => m.WorkerId[..m.WorkerId.LastIndexOf('#')],
            _ => null,
        };
        public string ShardId(string entityId, object? messageHint = null) => entityId[..entityId.LastIndexOf('#')];
    }
}

/// <summary>Key of the worker shard region in the <see cref="ActorRegistry"/>.</summary>
public sealed class WorkerRegion;

/// <summary>Allocates a shard to the region that first asks for it when that region hosts entities; otherwise to the least loaded region.</summary>
public sealed class RequesterAllocationStrategy : IShardAllocationStrategy
{
    public Task<IActorRef> AllocateShard(IActorRef requester, string shardId, IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations)
    {
        if (currentShardAllocations.ContainsKey(requester)) return Task.FromResult(requester);
        var least = currentShardAllocations.OrderBy(kv => kv.Value.Count).First().Key;
        return Task.FromResult(least);
    }

    public Task<IImmutableSet<string>> Rebalance(IImmutableDictionary<IActorRef, IImmutableList<string>> currentShardAllocations, IImmutableSet<string> rebalanceInProgress) =>
        Task.FromResult<IImmutableSet<string>>(ImmutableHashSet<string>.Empty);
}
