using Akka.Actor;
using Sweep.Campaigns;
using Sweep.Coordinator.Actors;
using Sweep.Coordinator.Planning;
using Sweep.Results.Statistics;

namespace Sweep.Coordinator.Tests;

public class WorkToGoTests
{
    private static readonly SampleTarget Target = new(TargetKind.SaddleUpper95, 1e-5);
    private static TargetState Open(long toGo) => new(Target, 1000, 0, 1000, 0, 3e-3, 3e-3, null, toGo);
    private static (double ToGo, int Unknown) ToGo(IReadOnlyList<long> counts, IReadOnlyList<long> atStart, IReadOnlyList<double> costs, IReadOnlyList<TargetState?> targets)
    {
        var (_, toGo, unknown) = WorkToGo.Estimate(counts, atStart, costs, targets);
        return (toGo, unknown);
    }

    private static TargetState Stopped() => new(Target, 435_000, 0, 435_000, 0, 9.99e-6, 9.99e-6, StopReason.TargetMet, 0);

    [Fact]
    public void Work_is_samples_times_their_cost_and_stopped_points_have_none_to_go()
    {
        // Point 0 open (40 to go at cost 2), point 1 stopped (cost 5), point 2 open (10 to go at cost 100).
        var (done, toGo, unknown) = WorkToGo.Estimate([150, 30, 20], [50, 0, 20], [2, 5, 100], [Open(40), Stopped(), Open(10)]);
        Assert.Equal(100 * 2 + 30 * 5 + 0 * 100, done);
        Assert.Equal(40 * 2 + 10 * 100, toGo);
        Assert.Equal(0, unknown);
    }

    [Fact]
    public void Open_points_without_a_cost_or_a_state_are_counted_apart_and_left_out_of_the_work_to_go()
    {
        var (done, toGo, unknown) = WorkToGo.Estimate([10, 10], [0, 0], [3, double.NaN], [Open(5), Open(5)]);
        Assert.Equal(30, done);             // the known cost still counts what was done
        Assert.Equal((15.0, 1), (toGo, unknown));
        Assert.Equal((15.0, 1), ToGo([10, 10], [0, 0], [3, 0], [Open(5), Open(5)]));   // a cost of 0 is not one
        Assert.Equal((15.0, 1), ToGo([10, 10], [0, 0], [3, 4], [Open(5), null]));
        Assert.Equal((15.0, 0), ToGo([10, 10], [0, 0], [3, double.NaN], [Open(5), Stopped()]));   // stopped: not needed
        Assert.Throws<ArgumentException>(() => WorkToGo.Estimate([1], [0, 0], [1], [Open(1)]));
    }

    [Fact]
    public async Task The_aggregator_reports_the_work_of_each_point_at_the_cost_of_its_prefix()
    {
        var campaign = TestCampaigns.Parse(TestCampaigns.Small.Replace("\"samples\": 23,", "\"samples\": 10, \"max_samples\": 23, \"target\": { \"saddle_upper95\": 0.01 },"));
        using var system = ActorSystem.Create("work-to-go");
        var stored = campaign.Points.Select((p, i) => new PointStatistics(i, "", 50, true)).ToArray();
        var aggregator = system.ActorOf(Props.Create(() => new AggregatorActor(campaign, stored)));
        aggregator.Tell(new PrefixAdvanced(0, 1, Open(40), EvaluationsPerSample: 300, HessiansPerSample: 2));
        aggregator.Tell(new PrefixAdvanced(1, 1, Stopped(), EvaluationsPerSample: 100, HessiansPerSample: 0));
        aggregator.Tell(new ShardAggregated(TestSamples.Of(new ShardKey(0, 0, 0, 5))));
        aggregator.Tell(new ShardAggregated(TestSamples.Of(new ShardKey(1, 0, 0, 3))));
        var progress = await aggregator.Ask<Progress>(GetProgress.Live, TimeSpan.FromSeconds(30));
        int parameters0 = campaign.Points[0].Problem.Shape.ParameterCount, parameters1 = campaign.Points[1].Problem.Shape.ParameterCount;
        double cost0 = SampleCost.PerSample(300, 2, parameters0), cost1 = SampleCost.PerSample(100, 0, parameters1);
        Assert.Equal(8, progress.Done);
        Assert.Equal(5 * cost0 + 3 * cost1, progress.WorkDone, 9);
        Assert.Equal(40 * cost0, progress.WorkToGo, 9);
        Assert.Equal(0, progress.WorkUnknownPoints);

        // A prefix whose samples carry no Hessian count (read back from a store): its cost is not known, whatever its gradients.
        aggregator.Tell(new PrefixAdvanced(0, 2, Open(30), EvaluationsPerSample: 300, HessiansPerSample: double.NaN));
        var after = await aggregator.Ask<Progress>(GetProgress.Live, TimeSpan.FromSeconds(30));
        Assert.Equal(1, after.WorkUnknownPoints);
        Assert.Equal(3 * cost1, after.WorkDone, 9);
    }
}
