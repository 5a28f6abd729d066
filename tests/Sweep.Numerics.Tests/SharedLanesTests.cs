using Sweep.Numerics.Analysis;
using Sweep.Numerics.Integration;
using Sweep.Numerics.Sampling;

namespace Sweep.Numerics.Tests;

/// <summary>
/// Lanes shared across shards and points (<see cref="TrajectorySolver.SolveFeed"/>): a sample's record is the same bits
/// whichever samples share its batch, and the lanes stay fuller than with one shard at a time.
/// </summary>
public class SharedLanesTests
{
    /// <summary>Hands out its batches in order; the batch after <c>gapBefore</c> is withheld once (it "arrives" while the run goes on).</summary>
    private sealed class ScriptedFeed(SampleBatch[] batches, int gapBefore) : ISampleFeed
    {
        private int _next;
        private bool _gapped;
        public readonly List<string> Events = [];

        public SampleBatch? Next()
        {
            if (_next == gapBefore && !_gapped) { _gapped = true; return null; }
            return _next < batches.Length ? batches[_next++] : null;
        }

        public void Drawn(SampleBatch b) => Events.Add($"drawn {b.Point}/{b.FirstSample}");

        public void Completed(SampleBatch b) => Events.Add($"done {b.Point}/{b.FirstSample}");
    }

    [Theory]
    [InlineData(FlowIntegrator.Dp45, 4)]
    [InlineData(FlowIntegrator.Auto, 8)]
    public void Samples_sharing_lanes_across_shards_and_points_keep_their_solo_bits(FlowIntegrator integrator, int lanes)
    {
        var p = TestProblems.Canonical([3, 1.5, 0.4], 3, 3, 3);
        // A step budget makes the lengths very unequal (budget stops beside quick certificates): stragglers.
        var settings = new GradientFlowSettings(double.PositiveInfinity, 1e-8, 1e-10, integrator, 2_000);
        var stop = new StopRule(1e-6, 1e-3, Until.Certified);
        var analysis = new AnalysisSettings(Itinerary: true);
        // Two points of one network and method that differ only in how they start.
        Initializer[] inits = [new GaussianInitializer(0.05, []), new GaussianInitializer(0.5, [])];
        SampleBatch[] Batches() =>
        [
            new(7, 0, 0, 5, inits[0], traceBelow: 2),
            new(7, 1, 20, 9, inits[1]),
            new(7, 0, 5, 6, inits[0], traceBelow: 2),
        ];
        var batches = Batches();
        var feed = new ScriptedFeed(batches, gapBefore: 2);
        var shared = new TrajectorySolver(p, inits[0], settings, stop, lanes: lanes, analysis: analysis);
        shared.SolveFeed(feed);

        // Every batch drawn, then completed, exactly once; the withheld one joined the same run.
        foreach (var b in batches)
        {
            Assert.True(b.Complete);
            Assert.Single(feed.Events, $"done {b.Point}/{b.FirstSample}");
            Assert.True(feed.Events.IndexOf($"drawn {b.Point}/{b.FirstSample}") < feed.Events.IndexOf($"done {b.Point}/{b.FirstSample}"));
        }
        for (int k = 0; k < batches.Length; k++)
        {
            var b = batches[k];
            var solo = new TrajectorySolver(p, inits[b.Point], settings, stop, lanes: 1, analysis: analysis);
            for (int i = 0; i < b.Count; i++)
            {
                long sample = b.FirstSample + i;
                var alone = solo.Solve(7, b.Point, sample, trace: sample < b.TraceBelow);
                Assert.Equal(alone.Record, b.Results[i].Record);
                Assert.Equal(alone.HessianEvaluations, b.Results[i].HessianEvaluations);
            }
        }

        // One shard at a time steps the batch more often for the same trajectories (lanes left idle at each shard's end).
        var apart = new TrajectorySolver(p, inits[0], settings, stop, lanes: lanes, analysis: analysis);
        foreach (var b in Batches()) apart.SolveFeed(new ScriptedFeed([b], gapBefore: -1));
        var (fedSteps, fedLaneSteps) = shared.Occupancy;
        var (apartSteps, apartLaneSteps) = apart.Occupancy;
        Assert.Equal(apartLaneSteps, fedLaneSteps);
        Assert.True(fedSteps < apartSteps, $"shared lanes stepped the batch {fedSteps} times, one shard at a time {apartSteps}");
    }

    [Fact]
    public void A_one_lane_solver_takes_the_batches_one_after_another()
    {
        var p = TestProblems.Canonical([3, 1.5, 0.4], 3, 3, 3);
        var settings = new GradientFlowSettings(double.PositiveInfinity, 1e-8, 1e-10, FlowIntegrator.Radau5, 2_000);
        var stop = new StopRule(1e-6, 1e-3, Until.Certified);
        var init = new GaussianInitializer(0.3, []);
        var batches = new SampleBatch[] { new(3, 0, 0, 2, init), new(3, 0, 2, 0, init), new(3, 0, 2, 2, init) };
        var feed = new ScriptedFeed(batches, gapBefore: -1);
        var solver = new TrajectorySolver(p, init, settings, stop, lanes: 1);
        solver.SolveFeed(feed);
        var many = new TrajectorySolver(p, init, settings, stop, lanes: 1).SolveMany(3, 0, 0, 4);
        Assert.Equal(["drawn 0/0", "done 0/0", "drawn 0/2", "done 0/2", "drawn 0/2", "done 0/2"], feed.Events);
        Assert.Equal(many.Select(r => r.Record), batches.SelectMany(b => b.Results).Select(r => r.Record));
    }
}
