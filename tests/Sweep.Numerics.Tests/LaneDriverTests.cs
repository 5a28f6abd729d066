using Sweep.Numerics.Analysis;
using Sweep.Numerics.Integration;
using Sweep.Numerics.Kernels;
using Sweep.Numerics.Problems;
using Sweep.Numerics.Sampling;

namespace Sweep.Numerics.Tests;

/// <summary>The shared lane driver: no allocation per step for any method, and the hand-off of a trajectory with its monitor.</summary>
public class LaneDriverTests
{
    private static readonly StopRule Stop = new(1e-9, 1e-3, Until.Converged);

    public static TheoryData<string, int> Methods() => new()
    {
        { "flow", 4 }, { "flow", 8 }, { "gd", 4 }, { "momentum", 8 }, { "nesterov", 4 }, { "adam", 8 },
    };

    private static Dynamics Method(string name, double horizon) => name switch
    {
        "flow" => new GradientFlowSettings(horizon, 1e-8, 1e-10),
        "gd" => new GradientDescentSettings(0.01, (long)horizon),
        "momentum" => new MomentumSettings(0.01, 0.5, (long)horizon),
        "nesterov" => new NesterovSettings(0.01, 0.5, (long)horizon),
        _ => new AdamSettings(0.001, 0.9, 0.999, 1e-8, (long)horizon),
    };

    [Theory]
    [MemberData(nameof(Methods))]
    public void A_run_allocates_nothing_per_step(string name, int lanes)
    {
        // The driver and the method alone (no classification after the stop): a run of many times the steps
        // allocates what the short run does.
        var problem = TestProblems.Canonical([3, 1.5, 0.4], 3, 3, 3);
        var init = new GaussianInitializer(0.01, []);
        (long Bytes, long Steps) Allocated(double horizon)
        {
            var dynamics = Method(name, horizon);
            var integrator = lanes == 4 ? dynamics.CreateIntegrator<Vector256Lane>(problem, Stop) : dynamics.CreateIntegrator<Vector512Lane>(problem, Stop);
            long steps = 0;
            TrajectoryStart start = (i, w) => { init.Draw(problem, 1, 0, i, w); return null; };
            TrajectoryFinish finish = (int _, in IntegrationResult r, ReadOnlySpan<double> _) => steps += r.Steps;
            integrator.Run(2 * lanes, start, finish);
            // The least of three runs: a per-step allocation shows in every run, a one-time one of the runtime on this
            // thread (tiered re-compilation, seen in the zero-allocation tests on a loaded machine) in one at most.
            long least = long.MaxValue, perRun = 0;
            for (int run = 0; run < 3; run++)
            {
                steps = 0;
                long before = GC.GetAllocatedBytesForCurrentThread();
                integrator.Run(2 * lanes, start, finish);
                least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
                perRun = steps;
            }
            return (least, perRun);
        }
        var (shortRun, longRun) = (Allocated(name == "flow" ? 30 : 200), Allocated(name == "flow" ? 1500 : 2000));
        Assert.True(longRun.Steps > 3 * shortRun.Steps, $"{shortRun.Steps} and {longRun.Steps} steps");
        Assert.True(longRun.Bytes == shortRun.Bytes, $"{shortRun.Bytes} bytes for the short run, {longRun.Bytes} for the long one");
    }

    /// <summary>Dormand–Prince that hands trajectory <paramref name="target"/> over at its <paramref name="step"/>-th accepted step.</summary>
    private sealed class HandingOver(ILaneMethod inner, int target, long step) : ILaneMethod
    {
        public int Width => inner.Width;
        public LaneEvent Load(int lane, int index, ReadOnlySpan<double> weights, ref LaneSlot slot) => inner.Load(lane, index, weights, ref slot);
        public void Clear(int lane) => inner.Clear(lane);
        public void PerformStep(ReadOnlySpan<LaneSlot> slots) => inner.PerformStep(slots);
        public LaneEvent Report(int lane, ref LaneSlot slot)
        {
            var e = inner.Report(lane, ref slot);
            return e == LaneEvent.Accepted && slot.Index == target && slot.Steps == step ? LaneEvent.HandOff : e;
        }
        public void Continue(int lane, ref LaneSlot slot) => inner.Continue(lane, ref slot);
        public LaneWeights Weights(int lane) => inner.Weights(lane);
    }

    [Fact]
    public void A_handed_over_trajectory_keeps_its_monitor_and_the_lane_goes_on_with_the_next()
    {
        var problem = TestProblems.Canonical([3, 2, 1, 0.5], 4, 4, 4);
        var flow = new GradientFlowSettings(1000, 1e-7, 1e-9);
        var stop = new StopRule(1e-6, 1e-3, Until.Converged);
        var starts = Enumerable.Range(0, 10).Select(i =>
        {
            var w = problem.NewParameters();
            new GaussianInitializer(0.3, []).Draw(problem, 5, 0, i, w);
            return w;
        }).ToArray();
        TrajectoryMonitor Monitor() => new(problem, stop, flow.Horizon, flow: true, null, analysis: new AnalysisSettings(Itinerary: true));
        (IntegrationResult?[] Results, List<(int Index, LaneSlot Slot, TrajectoryMonitor Monitor)> Handed) Run(int target)
        {
            var driver = new LaneDriver(new HandingOver(flow.CreateMethod<Vector256Lane>(problem), target, 40), problem.Shape.ParameterCount, Monitor);
            var handed = new List<(int, LaneSlot, TrajectoryMonitor)>();
            driver.HandOff = (in LaneSlot slot, Span<double> weights, TrajectoryMonitor monitor) =>
            {
                Assert.Equal(problem.Shape.ParameterCount, weights.Length);
                handed.Add((slot.Index, slot, monitor));
                // The receiver ends it here, at the handed state: what it returns is the trajectory's result.
                return monitor.Result(SampleStatus.Horizon, slot.Time, slot.Steps, slot.Evaluations, slot.Loss, slot.GradientNorm);
            };
            var results = new IntegrationResult?[starts.Length];
            driver.Run(starts.Length, (i, w) => { starts[i].CopyTo(w); return null; }, (int i, in IntegrationResult r, ReadOnlySpan<double> _) => results[i] = r);
            return (results, handed);
        }

        var (plain, none) = Run(-1);
        var (results, handed) = Run(3);
        Assert.Empty(none);
        var (index, slot, monitor) = Assert.Single(handed);
        Assert.Equal(3, index);
        Assert.Equal(40, slot.Steps);
        Assert.Equal(SampleStatus.Horizon, results[3]!.Value.Status);
        Assert.Equal(slot.Time, results[3]!.Value.Time);
        // Lanes never mix: every other trajectory ends exactly as without the hand-off.
        for (int i = 0; i < starts.Length; i++)
            if (i != 3) Assert.Equal(plain[i]!.Value with { Itinerary = null }, results[i]!.Value with { Itinerary = null });
        // The monitor travelled with the trajectory: its itinerary so far, at the handed time.
        var partial = monitor.Result(SampleStatus.Horizon, slot.Time, slot.Steps, slot.Evaluations, slot.Loss, slot.GradientNorm);
        Assert.NotNull(partial.Itinerary);
        Assert.True(slot.Time > 0 && slot.Time < plain[3]!.Value.Time);
    }
}
