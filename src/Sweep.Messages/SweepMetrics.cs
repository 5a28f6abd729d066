using System.Diagnostics.Metrics;

namespace Sweep.Messages;

/// <summary>
/// The nodes' counters, one <see cref="Meter"/> named "ActorSweep" (read them live with
/// <c>dotnet-counters monitor -n sweep --counters ActorSweep</c>). Workers count what they solve, the coordinator
/// what its ledger decides. Here because both the worker and the coordinator reference the protocol.
/// </summary>
public static class SweepMetrics
{
    public const string MeterName = "ActorSweep";

    public static readonly Meter Meter = new(MeterName, typeof(SweepMetrics).Assembly.GetName().Version?.ToString());

    /// <summary>Samples solved by this node's workers (each shard's samples once it is solved).</summary>
    public static readonly Counter<long> SamplesSolved = Meter.CreateCounter<long>("samples_solved", "{sample}", "samples solved by this node's workers");

    /// <summary>Shards the coordinator committed to the store (first result of each shard).</summary>
    public static readonly Counter<long> ShardsCommitted = Meter.CreateCounter<long>("shards_committed", "{shard}", "shards committed to the store");

    /// <summary>Shards handed out again: a worker reported failure, its lease expired or its node left.</summary>
    public static readonly Counter<long> ShardsRetried = Meter.CreateCounter<long>("shards_retried", "{shard}", "shards handed out again after a failure, an expired lease or a lost node");

    /// <summary>Leases that expired before their shard came back.</summary>
    public static readonly Counter<long> LeasesExpired = Meter.CreateCounter<long>("leases_expired", "{lease}", "leases that expired");

    /// <summary>Worker nodes that joined the coordinator's cluster.</summary>
    public static readonly Counter<long> WorkersJoined = Meter.CreateCounter<long>("workers_joined", "{node}", "worker nodes that joined the cluster");
}
