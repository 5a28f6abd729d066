using Sweep.Campaigns;
using Sweep.Messages;
using Sweep.Numerics;
using Sweep.Results;

namespace Sweep.Worker;

/// <summary>
/// Solves the samples of shards of one campaign. Holds one solver per lane group (<see cref="LaneGroups"/>: points that
/// differ only in how they start share it, each owns its workspace), so one instance per thread.
/// </summary>
public sealed class ShardRunner
{
    private readonly CampaignSpec _campaign;
    private readonly int[] _groupOf;
    private readonly Dictionary<int, TrajectorySolver> _solvers = new();

    public ShardRunner(CampaignSpec campaign)
    {
        _campaign = campaign;
        _groupOf = LaneGroups.Of(campaign.Points);
    }

    public string CampaignHash => _campaign.Hash;

    /// <summary>Whether the campaign keeps per-shard statistics only (no per-sample record is sent).</summary>
    public bool Aggregate => _campaign.Aggregate;

    /// <summary>A solved shard's statistics, and with full storage its store blob and samples.csv rows, for the coordinator.</summary>
    public Sweep.Results.Output.ShardOutput Encode(int point, IReadOnlyList<SampleRecord> samples) =>
        Sweep.Results.Output.ShardOutput.Encode(samples, point, _campaign.Points[point].Horizon, _campaign.Aggregate, Layout);

    /// <summary>The campaign's samples.csv columns (the optional ones only where some point fills them), as the coordinator's stream has them.</summary>
    private Sweep.Results.CsvLayout Layout => _layout ??= Sweep.Results.CsvLayout.For(_campaign.Points
        .Select(p => (p, PointSolvers.Problem(p)))
        .Where(x => x.Item2.IsValid)
        .Select(x => (x.p, x.Item2.Value!)));
    private Sweep.Results.CsvLayout? _layout;

    /// <summary>The lane group of a point: shards of points of one group may share a run (<see cref="TrajectorySolver.SolveFeed"/>).</summary>
    public int GroupOf(int point) => _groupOf[point];

    /// <summary>The solver of a point's lane group (built on first use).</summary>
    public TrajectorySolver SolverOf(int point)
    {
        int group = _groupOf[point];
        if (!_solvers.TryGetValue(group, out var solver))
        {
            var spec = _campaign.Points[point];
            var problem = PointSolvers.Problem(spec);
            if (!problem.IsValid) throw new InvalidOperationException($"point {point}: {problem.Error!.Message}");
            _solvers[group] = solver = PointSolvers.Solver(spec, problem.Value!);
        }
        return solver;
    }

    /// <summary>A shard as a batch for its group's solver: the point's own initializer and traced samples.</summary>
    public SampleBatch Batch(int point, long firstSample, int count, object? tag = null)
    {
        var spec = _campaign.Points[point];
        return new SampleBatch(_campaign.Seed, point, firstSample, count, spec.Initializer(), spec.TraceSamples, tag);
    }

    /// <summary>One shard alone (its lanes empty as its last samples run).</summary>
    public SampleRecord[] Run(int point, long firstSample, int count)
    {
        var spec = _campaign.Points[point];
        var records = SolverOf(point).SolveMany(_campaign.Seed, point, firstSample, count, spec.Initializer(), traceBelow: spec.TraceSamples).Select(r => r.Record).ToArray();
        SweepMetrics.SamplesSolved.Add(records.Length);
        return records;
    }

    /// <summary>The records of a complete batch, counted as solved.</summary>
    public static SampleRecord[] Records(SampleBatch batch)
    {
        var records = batch.Results.Select(r => r.Record).ToArray();
        SweepMetrics.SamplesSolved.Add(records.Length);
        return records;
    }
}
