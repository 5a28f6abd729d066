using Akka.Actor;
using Sweep.Coordinator.Campaigns;
using Sweep.Coordinator.Output;
using Sweep.Coordinator.Statistics;
using Sweep.Messages;

namespace Sweep.Coordinator.Actors;

/// <summary>Per-shard results that the store has accepted.</summary>
public sealed record ShardAggregated(IReadOnlyList<SampleRecord> Samples);

public sealed record GetProgress
{
    public static readonly GetProgress Instance = new();
}

public sealed record Progress(long Done, long Total, IReadOnlyList<PointSummary> Points, DateTime StartedUtc, long DoneAtStart);

/// <summary>
/// Builds the live empirical basin measure of every point from per-shard results (keyed by sample, so a result
/// delivered twice counts once) and answers progress queries. The final summary is rebuilt from the store, not from here.
/// </summary>
public sealed class AggregatorActor : ReceiveActor
{
    public AggregatorActor(Campaign campaign, IReadOnlyList<SampleRecord> stored)
    {
        var stats = OutputWriter.Aggregate(campaign, stored);
        long doneAtStart = stats.Sum(s => (long)s.Count);
        var started = DateTime.UtcNow;
        Receive<ShardAggregated>(m =>
        {
            foreach (var s in m.Samples) stats[s.Point].Add(s);
        });
        Receive<GetProgress>(_ => Sender.Tell(new Progress(stats.Sum(s => (long)s.Count), campaign.TotalSamples,
            stats.Select(s => s.Summarize()).ToList(), started, doneAtStart)));
    }
}
