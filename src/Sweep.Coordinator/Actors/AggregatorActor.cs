using Akka.Actor;
using Sweep.Campaigns;
using Sweep.Results.Output;
using Sweep.Results.Statistics;
using Sweep.Messages;
using Sweep.Results;
using Sweep.Coordinator.Planning;

namespace Sweep.Coordinator.Actors;

/// <summary>Per-shard results that the store has accepted: the shard's statistics when the worker sent them (merged), else its samples (folded).</summary>
public sealed record ShardAggregated(IReadOnlyList<SampleRecord> Samples, PointStatistics? Statistics = null);

/// <summary>Asks for progress; <see cref="Live"/> leaves out the hitting-time quantiles (a sort of every time) for frequent polls.</summary>
public sealed record GetProgress(bool HitQuantiles)
{
    public static readonly GetProgress Instance = new(true);
    public static readonly GetProgress Live = new(false);
}

/// <summary>Asks for summary.json's content now (<c>complete: false</c>), answered with a <see cref="LiveSummary"/>.</summary>
internal sealed record BuildLiveSummary
{
    public static readonly BuildLiveSummary Instance = new();
}

/// <summary>summary.json as of now, written while the campaign runs (the final write replaces it).</summary>
internal sealed record LiveSummary(System.Text.Json.Nodes.JsonObject Summary);

public sealed record Progress(long Done, long Total, IReadOnlyList<PointSummary> Points, DateTime StartedUtc, long DoneAtStart)
{
    /// <summary>With a target: per point, its state against it (from its complete prefix), else null.</summary>
    public IReadOnlyList<TargetState?>? Targets { get; init; }

    /// <summary>
    /// With a target: the work this run has done and the work to go (<see cref="Planning.WorkToGo"/>), both over the
    /// points whose cost is known; <see cref="WorkUnknownPoints"/> open points' cost is not known yet.
    /// </summary>
    public double WorkDone { get; init; }
    public double WorkToGo { get; init; }
    public int WorkUnknownPoints { get; init; }
}

/// <summary>
/// Builds the live empirical basin measure of every point from the shards the store has accepted (each exactly once:
/// the ledger and the store accept a shard once) and answers progress queries. The final summary is built by the
/// samples.csv writer as it passes every shard in order, not from here.
/// </summary>
public sealed class AggregatorActor : ReceiveActor
{
    /// <param name="stored">The statistics of the samples stored before this run (folded once at start).</param>
    public AggregatorActor(Campaign campaign, IReadOnlyList<PointStatistics> stored)
    {
        var stats = stored;
        long doneAtStart = stats.Sum(s => (long)s.Count);
        var started = DateTime.UtcNow;
        Receive<ShardAggregated>(m =>
        {
            // The live view merges a shard's statistics (one merge per shard, binned times) where it has them.
            if (m.Statistics is { } part) stats[part.Point].Merge(part);
            else foreach (var s in m.Samples) stats[s.Point].Add(s);
        });
        var targets = campaign.Target is null ? null : campaign.Points.Select(_ => (TargetState?)null).ToArray();
        // Per point the cost of a sample (the allocation's flop model over its prefix's counts) and its count at start.
        var costs = campaign.Points.Select(_ => double.NaN).ToArray();
        var countsAtStart = stats.Select(s => (long)s.Count).ToArray();
        Receive<PrefixAdvanced>(a =>
        {
            if (targets is null) return;
            targets[a.Point] = a.State;
            // Hessians NaN: no shard of the prefix carries the count (stored before schema 8 and not solved in this run);
            // the cost is then not known, since a point's Hessians may be most of it.
            costs[a.Point] = double.IsNaN(a.HessiansPerSample) ? double.NaN
                : SampleCost.PerSample(a.EvaluationsPerSample, a.HessiansPerSample, campaign.Points[a.Point].Problem.Shape.ParameterCount);
        });
        Receive<GetProgress>(q =>
        {
            var (workDone, workToGo, unknown) = targets is null ? (0, 0, 0) : WorkToGo.Estimate(stats.Select(s => (long)s.Count).ToArray(), countsAtStart, costs, targets);
            Sender.Tell(new Progress(stats.Sum(s => (long)s.Count), campaign.TotalSamples, stats.Select(s => s.Summarize(q.HitQuantiles)).ToList(), started, doneAtStart)
            {
                Targets = targets?.ToArray(),
                WorkDone = workDone,
                WorkToGo = workToGo,
                WorkUnknownPoints = unknown,
            });
        });
        Receive<BuildLiveSummary>(_ => Sender.Tell(new LiveSummary(OutputWriter.Summary(campaign, stats, stats.Sum(s => (long)s.Count), complete: false, targets?.ToArray(), markApproximate: true))));
    }
}
