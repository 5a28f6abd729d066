using Sweep.Campaigns;
using Sweep.Results;
using Sweep.Results.Output;

namespace Sweep.Messages;

/// <summary>
/// A worker asks for a shard. KnownCampaign: the campaign hash it already holds (the spec is sent otherwise).
/// Prefetch: it is still solving and asks ahead, keeping its lease; without it (a fresh start) its leases are released.
/// Bound: the campaign hash this worker node serves (null: not bound yet, it binds to the first campaign it is given);
/// JoinToken: the campaign's join token, which a coordinator that issued one requires (<see cref="JoinRefused"/> otherwise).
/// Numerics: the worker build's numerics fingerprint, which must be the campaign's (null: an older build, refused).
/// </summary>
public sealed record RequestWork(string WorkerId, string? KnownCampaign, bool Prefetch = false, string? Bound = null, string? JoinToken = null, string? Numerics = null) : ICoordinatorMessage;

/// <summary>
/// The coordinator serves another campaign than the worker is bound to, or the worker's join token is not this campaign's:
/// the worker gets no shard and no campaign data, and its node is downed.
/// </summary>
public sealed record JoinRefused(string CampaignHash, string CampaignName, string Reason) : IWorkerReply;

/// <summary>A leased shard: samples [FirstSample, FirstSample + Count) of one point.</summary>
public sealed record WorkAssignment(string CampaignHash, long LeaseId, int Point, int ShardIndex, long FirstSample, int Count, CampaignSpec? Spec) : IWorkerReply;

/// <summary>Nothing to hand out now; ask again later. Finished: the campaign is complete.</summary>
public sealed record NoWorkAvailable(string CampaignHash, bool Finished) : IWorkerReply;

/// <summary>
/// The results of a leased shard: one record per sample (none with aggregate storage), and <paramref name="Output"/>, the
/// shard's statistics, store blob and samples.csv rows encoded by the worker (null: the coordinator encodes them).
/// </summary>
public sealed record ShardCompleted(string WorkerId, string CampaignHash, long LeaseId, int Point, int ShardIndex, SampleRecord[] Samples, ShardOutput? Output = null) : ICoordinatorMessage;

/// <summary>A worker could not finish a shard (it is handed out again).</summary>
public sealed record ShardFailed(string WorkerId, string CampaignHash, long LeaseId, int Point, int ShardIndex, string Reason) : ICoordinatorMessage;

/// <summary>Wakes a sharded worker entity (sent through the shard region by the node that owns it).</summary>
public sealed record StartWorker(string WorkerId) : IWorkerMessage;
