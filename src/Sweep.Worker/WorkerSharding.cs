using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
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
    public const string Role = "worker";

    public static IActorRef StartWorkers(this ActorSystem system, WorkerOptions options)
    {
        var sharding = ClusterSharding.Get(system);
        var settings = ClusterShardingSettings.Create(system).WithRole(Role);
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
