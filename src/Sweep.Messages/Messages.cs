using Sweep.Campaigns;
using Sweep.Results;

namespace Sweep.Messages;

/// <summary>
/// A worker asks for a shard. KnownCampaign: the campaign hash it already holds (the spec is sent otherwise).
/// Prefetch: it is still solving and asks ahead, keeping its lease; without it (a fresh start) its leases are released.
/// </summary>
public sealed record RequestWork(string WorkerId, string? KnownCampaign, bool Prefetch = false) : ICoordinatorMessage;

/// <summary>A leased shard: samples [FirstSample, FirstSample + Count) of one point.</summary>
public sealed record WorkAssignment(string CampaignHash, long LeaseId, int Point, int ShardIndex, long FirstSample, int Count, CampaignSpec? Spec) : IWorkerReply;

/// <summary>Nothing to hand out now; ask again later. Finished: the campaign is complete.</summary>
public sealed record NoWorkAvailable(string CampaignHash, bool Finished) : IWorkerReply;

/// <summary>The results of a leased shard, one record per sample.</summary>
public sealed record ShardCompleted(string WorkerId, string CampaignHash, long LeaseId, int Point, int ShardIndex, SampleRecord[] Samples) : ICoordinatorMessage;

/// <summary>A worker could not finish a shard (it is handed out again).</summary>
public sealed record ShardFailed(string WorkerId, string CampaignHash, long LeaseId, int Point, int ShardIndex, string Reason) : ICoordinatorMessage;

/// <summary>Wakes a sharded worker entity (sent through the shard region by the node that owns it).</summary>
public sealed record StartWorker(string WorkerId) : IWorkerMessage;
