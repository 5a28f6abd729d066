using System.Collections.Concurrent;
using Sweep.Campaigns;
using Sweep.Messages;
using Sweep.Numerics.Integration;
using Sweep.Results;

namespace Sweep.Worker.Tests;

/// <summary>The solver thread that shares its lanes across queued shards, and the lane groups that say which may share.</summary>
public sealed class SolverThreadTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private static PointSpec Point(int index, double[] sigmas, int[] hidden, double scale, int traces = 0, Dynamics? dynamics = null, int[]? suppress = null) =>
        new(index, new CanonicalProblemData(sigmas, 3), hidden, scale, suppress ?? [], dynamics ?? new GradientFlowSettings(200, 1e-8, 1e-10), 1e-6, 1e-3, traces);

    [Fact]
    public void Points_that_differ_only_in_their_start_share_a_lane_group()
    {
        var groups = LaneGroups.Of([
            Point(0, [2, 1], [3], 0.05),
            Point(1, [2, 1], [3], 0.5, traces: 3),
            Point(2, [2, 1], [3, 3], 0.05),                                                     // deeper
            Point(3, [2, 0.5], [3], 0.05),                                                     // other data
            Point(4, [2, 1], [3], 0.05, dynamics: new GradientFlowSettings(100, 1e-8, 1e-10)), // other horizon
            Point(5, [2, 1], [3], 0.05, suppress: [1]),                                        // other manifold
            Point(6, [2, 1], [3], 0.05) with { InitKind = InitKind.Orthogonal },
        ]);
        Assert.Equal([0, 0, 1, 2, 3, 4, 0], groups);
    }

    [Fact]
    public void Queued_shards_of_several_points_come_back_one_by_one_with_their_solo_records()
    {
        var spec = new CampaignSpec("hash-s", 5, [
            Point(0, [2, 1], [3], 0.05, traces: 1),
            Point(1, [2, 1], [3], 0.7),
            Point(2, [2, 1], [3, 3], 0.3),
            Point(3, [1, 2], [3], 0.3),                                                        // increasing σ: cannot be built
        ]);
        var runner = new ShardRunner(spec);
        var events = new BlockingCollection<(string Kind, WorkAssignment A, SampleRecord[]? Samples, Exception? Error)>();
        var thread = new SolverThread("test", a => events.Add(("drawn", a, null, null)), (a, _, s) => events.Add(("solved", a, s, null)),
            (a, e) => events.Add(("crashed", a, null, e)));
        WorkAssignment[] shards =
        [
            new("hash-s", 1, 0, 0, 0, 5, null),
            new("hash-s", 2, 1, 0, 0, 7, null),
            new("hash-s", 3, 3, 0, 0, 2, null),
            new("hash-s", 4, 2, 0, 0, 3, null),
            new("hash-s", 5, 0, 1, 5, 5, null),
        ];
        foreach (var a in shards) thread.Enqueue(a, runner);
        var seen = new List<(string Kind, WorkAssignment A, SampleRecord[]? Samples, Exception? Error)>();
        while (seen.Count(e => e.Kind != "drawn") < shards.Length)
        {
            Assert.True(events.TryTake(out var e, Wait), "the solver thread went silent");
            seen.Add(e);
        }
        foreach (var a in shards)
        {
            var mine = seen.Where(e => e.A.LeaseId == a.LeaseId).ToList();
            if (a.Point == 3)
            {
                // The bad point fails alone; the shards queued behind it are solved.
                var crash = Assert.Single(mine);
                Assert.Equal("crashed", crash.Kind);
                Assert.Contains("decreasing", crash.Error!.Message);
                continue;
            }
            // Drawn, then solved, once each, with exactly the records of the shard solved alone.
            Assert.Equal(["drawn", "solved"], mine.Select(e => e.Kind));
            Assert.Equal(new ShardRunner(spec).Run(a.Point, a.FirstSample, a.Count), mine[1].Samples);
        }
        thread.Stop();
        Assert.True(thread.Join(Wait));
    }
}
