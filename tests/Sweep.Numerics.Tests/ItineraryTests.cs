using Sweep.Numerics.Analysis;
using Sweep.Numerics.Integration;
using Sweep.Numerics.Sampling;

namespace Sweep.Numerics.Tests;

public class ItineraryTests
{
    private static readonly StopRule Stop = new(1e-6, 1e-3, Until.Hit);
    private static readonly AnalysisSettings Recorded = new(Itinerary: true);

    [Fact]
    public void Small_starts_of_a_depth_2_network_learn_the_modes_in_order_of_s()
    {
        // docs/math.md, Saddles that hold trajectories, and invariant manifolds: from near W = 0 the plateaus are L_{}, L_{0}, L_{0,1}; the horizon is
        // long enough for the smallest mode (s = 0.4) at this scale.
        var problem = TestProblems.Canonical([3, 1.5, 0.4], 3, 3, 3);
        var results = new TrajectorySolver(problem, new GaussianInitializer(0.01, []), new GradientFlowSettings(4000, 1e-8, 1e-10), Stop, analysis: Recorded).SolveMany(21, 0, 0, 24);
        int inOrder = results.Count(r => r.Itinerary!.Sequence == "{}>{0}>{0,1}>{0,1,2}");
        Assert.True(inOrder >= 23, $"{inOrder} of 24 in order: {string.Join(" | ", results.Select(r => r.Itinerary))}");
        foreach (var r in results)
        {
            var e = r.Itinerary!.Entries;
            Assert.Equal(0, e[0].Time);
            Assert.Equal(r.Label, e[^1].Label);                 // the itinerary ends at the label of the stop
            for (int i = 1; i < e.Count; i++) Assert.True(e[i].Time > e[i - 1].Time && e[i].Mask != e[i - 1].Mask);
            Assert.True(e[^1].Time <= r.StopTime);
        }
    }

    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    public void Itineraries_do_not_depend_on_the_lane_width(int width)
    {
        var problem = TestProblems.Canonical([3, 1.5, 0.4], 3, 3, 3);
        var init = new GaussianInitializer(0.02, []);
        var flow = new GradientFlowSettings(600, 1e-8, 1e-10);
        var lanes = new TrajectorySolver(problem, init, flow, Stop, width, Recorded).SolveMany(5, 1, 10, 11);
        var single = new TrajectorySolver(problem, init, flow, Stop, lanes: 1, analysis: Recorded);
        for (int i = 0; i < lanes.Length; i++)
        {
            var one = single.Solve(5, 1, 10 + i);
            Assert.Equal(one.Itinerary!.ToString(), lanes[i].Itinerary!.ToString());
            Assert.Equal(one with { Itinerary = null }, lanes[i] with { Itinerary = null });
        }
        // The same trajectories without the itinerary: recording it changes nothing else.
        var plain = new TrajectorySolver(problem, init, flow, Stop, width).SolveMany(5, 1, 10, 11);
        for (int i = 0; i < lanes.Length; i++) Assert.Equal(plain[i], lanes[i] with { Itinerary = null });
        Assert.All(plain, r => Assert.Null(r.Itinerary));
    }

    [Fact]
    public void Gradient_descent_records_iterations_as_entry_times()
    {
        var problem = TestProblems.Canonical([3, 1.5, 0.4], 3, 3, 3);
        var r = new TrajectorySolver(problem, new GaussianInitializer(0.05, []), new GradientDescentSettings(0.05, 20_000), Stop, analysis: Recorded).Solve(3, 0, 0);
        Assert.Equal("{}>{0}>{0,1}>{0,1,2}", r.Itinerary!.Sequence);
        Assert.All(r.Itinerary.Entries, e => Assert.Equal(Math.Floor(e.Time), e.Time));
    }

    [Fact]
    public void Recording_allocates_nothing_per_step()
    {
        // Allocation of a whole solve does not grow with its number of steps (the recorder's buffer is per lane).
        var problem = TestProblems.Canonical([3, 1.5, 0.4], 3, 3, 3);
        var init = new GaussianInitializer(0.01, []);
        long Allocated(double tMax)
        {
            var solver = new TrajectorySolver(problem, init, new GradientFlowSettings(tMax, 1e-8, 1e-10), Stop with { Until = Until.Converged }, lanes: 1, analysis: Recorded);
            solver.Solve(1, 0, 0);
            // The least of three solves: a per-step allocation shows in each, a one-time one of the runtime in one at most.
            long least = long.MaxValue;
            for (int run = 0; run < 3; run++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                var r = solver.Solve(1, 0, 0);
                least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
                Assert.True(r.Steps > (tMax > 100 ? 1000 : 10));
            }
            return least;
        }
        long shortRun = Allocated(30), longRun = Allocated(1500);
        Assert.True(longRun - shortRun < 4096, $"{shortRun} bytes for the short solve, {longRun} for the long one");
    }

    [Fact]
    public void The_recorder_keeps_the_first_entries_and_the_last_past_its_capacity()
    {
        var rec = new ItineraryRecorder();
        rec.Start(0, 0);
        for (int k = 1; k <= 40; k++) rec.Observe(k % 2, k);
        rec.Observe(0, 41);                                  // no change: not recorded
        var it = rec.ToItinerary();
        Assert.Equal(ItineraryRecorder.Capacity, it.Entries.Count);
        Assert.Equal(41 - ItineraryRecorder.Capacity, it.Omitted);
        Assert.Equal(40, it.Entries[^1].Time);
        Assert.Equal(ItineraryRecorder.Capacity - 2, it.Entries[^2].Time);
        Assert.Contains("{0}@29 {}@30 ... {}@40", it.ToString());
        Assert.EndsWith(">{0}>{}>...>{}", it.Sequence);
        var parsed = Itinerary.Parse(it.ToString())!;
        Assert.Equal(it.Sequence, parsed.Sequence);
        Assert.Equal(it.Entries, parsed.Entries);
    }

    [Fact]
    public void The_text_form_round_trips_to_six_digits()
    {
        var it = new Itinerary([new(0, 0), new(1, 41.23456789), new(3, 120.5), new(7, 180.3)], 0);
        Assert.Equal("{}@0 {0}@41.2346 {0,1}@120.5 {0,1,2}@180.3", it.ToString());
        Assert.Equal("{}>{0}>{0,1}>{0,1,2}", it.Sequence);
        var back = Itinerary.Parse(it.ToString())!;
        Assert.Equal([0, 1, 3, 7], back.Entries.Select(e => e.Mask));
        Assert.Equal(41.2346, back.Entries[1].Time);
        Assert.Null(Itinerary.Parse(""));
        Assert.Null(Itinerary.Parse("{0}x3"));
    }
}
