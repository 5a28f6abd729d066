namespace Sweep.Messages;

/// <summary>Every message that may cross the cluster; bound to <see cref="SweepSerializer"/>.</summary>
public interface ISweepMessage;

/// <summary>Messages handled by the campaign coordinator.</summary>
public interface ICoordinatorMessage : ISweepMessage;

/// <summary>Messages handled by a sharded worker entity; the entity id routes them.</summary>
public interface IWorkerMessage : ISweepMessage
{
    string WorkerId { get; }
}

/// <summary>Replies from the coordinator to a worker.</summary>
public interface IWorkerReply : ISweepMessage;

/// <summary>Cluster roles: the node that owns the campaign and the nodes that solve its shards.</summary>
public static class NodeRoles
{
    public const string Coordinator = "coordinator";
    public const string Worker = "worker";
}

/// <summary>What the coordinator and a worker entity agree on beyond the messages.</summary>
public static class WorkerProtocol
{
    /// <summary>
    /// Shards one worker entity may hold at once: up to two whose last samples still run (stragglers), the one whose
    /// samples are being drawn into its lanes and one fetched ahead. The coordinator refuses a prefetch beyond it.
    /// </summary>
    public const int MaxLeasesPerWorker = 4;

    /// <summary>
    /// The largest remoting frame (Akka's maximum-frame-size) a node sends or accepts: a larger message is dropped, so
    /// a cluster campaign whose shard results could exceed it is refused (<c>ShardMessageBound</c>, `sweep coordinator`).
    /// </summary>
    public const int MaxFrameBytes = 16 * 1024 * 1024;
}
