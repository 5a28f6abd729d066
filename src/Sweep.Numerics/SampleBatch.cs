using Sweep.Numerics.Sampling;

namespace Sweep.Numerics;

/// <summary>
/// Consecutive samples firstSample..firstSample+count−1 of one point (a shard), queued for a
/// <see cref="TrajectorySolver"/> whose lanes it shares with other batches (<see cref="TrajectorySolver.SolveFeed"/>).
/// The batch's own <see cref="Initializer"/> draws its samples, so points that differ only in how they start share one
/// solver. Written by the solver thread only.
/// </summary>
public sealed class SampleBatch
{
    public SampleBatch(long seed, int point, long firstSample, int count, Initializer initializer, long traceBelow = 0, object? tag = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Seed = seed;
        Point = point;
        FirstSample = firstSample;
        Count = count;
        Initializer = initializer;
        TraceBelow = traceBelow;
        Tag = tag;
        Results = new SampleResult[count];
    }

    public long Seed { get; }
    public int Point { get; }
    public long FirstSample { get; }
    public int Count { get; }
    public Initializer Initializer { get; }
    /// <summary>Samples below this index are traced.</summary>
    public long TraceBelow { get; }
    /// <summary>The caller's handle (the worker's assignment).</summary>
    public object? Tag { get; }

    /// <summary>The results in sample order, complete once <see cref="Complete"/>.</summary>
    public SampleResult[] Results { get; }

    /// <summary>Samples placed in a lane so far.</summary>
    public int Drawn { get; internal set; }

    /// <summary>Samples finished so far.</summary>
    public int Done { get; internal set; }

    public bool Complete => Done == Count;
}

/// <summary>Where <see cref="TrajectorySolver.SolveFeed"/> takes its batches: the next one whose samples may share the lanes, or null when there is none for now.</summary>
public interface ISampleFeed
{
    SampleBatch? Next();

    /// <summary>Every sample of <paramref name="batch"/> is in a lane (a good moment to fetch more work).</summary>
    void Drawn(SampleBatch batch) { }

    /// <summary>Every sample of <paramref name="batch"/> is finished: its results are complete.</summary>
    void Completed(SampleBatch batch);
}
