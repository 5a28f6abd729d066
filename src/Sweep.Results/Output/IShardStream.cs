using Sweep.Campaigns;
using Sweep.Results.Statistics;

namespace Sweep.Results.Output;

/// <summary>
/// What the coordinator's output actor drives as shards commit: each point's complete prefix walked in shard order
/// (<see cref="PrefixWalk"/>), into samples.csv (<see cref="SamplesCsvStream"/>) or, with aggregate storage, into
/// the statistics alone (<see cref="ShardStatisticsStream"/>).
/// </summary>
public interface IShardStream : IDisposable
{
    /// <summary>Samples passed into the results so far.</summary>
    long Written { get; }

    /// <summary>Per point, the state against the campaign's target (null entries without a target).</summary>
    IReadOnlyList<TargetState?> States { get; }

    /// <summary>The points whose complete prefix grew since the last call (see <see cref="SamplesCsvStream.TakeLooked"/>).</summary>
    IReadOnlyList<(int Point, int PrefixShards, TargetState? State, double EvaluationsPerSample, double HessiansPerSample)> TakeLooked();

    /// <summary>
    /// A shard newly committed to the store (each shard once): its samples (none with aggregate storage, nor where the
    /// worker sent its exact statistics instead), what the worker encoded (null: encoded here), its statistics decoded
    /// from that (null: folded here) and its exact statistics (<see cref="PointStatistics.OfShardExact"/>; null: folded
    /// from the samples).
    /// </summary>
    void Add(ShardKey shard, SampleRecord[] samples, ShardOutput? encoded = null, PointStatistics? statistics = null, PointStatistics? exact = null);

    /// <summary>The statistics of every point's results; the full stream also writes <paramref name="samplesPath"/>.</summary>
    IReadOnlyList<PointStatistics> Finish(string samplesPath);
}
