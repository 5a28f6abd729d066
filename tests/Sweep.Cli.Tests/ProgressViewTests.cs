namespace Sweep.Cli.Tests;

public class ProgressViewTests
{
    [Theory]
    [InlineData(59, "00:00:59")]
    [InlineData(3 * 3600 + 5, "03:00:05")]
    [InlineData(30 * 3600, "1d 06:00:00")]          // a day and more: the days are not dropped
    [InlineData(3 * 86400 + 61, "3d 00:01:01")]
    public void The_eta_keeps_its_days(int seconds, string expected) => Assert.Equal(expected, ProgressView.Eta(TimeSpan.FromSeconds(seconds)));
}

public class ProgressViewTargetTests
{
    [Fact]
    public void The_points_still_open_are_shown_before_the_stopped_ones()
    {
        var target = new Sweep.Campaigns.SampleTarget(Sweep.Campaigns.TargetKind.SaddleUpper95, 1e-5);
        Sweep.Results.Statistics.TargetState State(Sweep.Results.Statistics.StopReason? why, long toGo) => new(target, 1000, 0, 1000, 0, 3e-3, 3e-3, why, toGo);
        // Ten points: the first nine stopped, the last open; only eight fit on the line.
        var targets = Enumerable.Range(0, 10).Select(i => (Sweep.Results.Statistics.TargetState?)(i < 9 ? State(Sweep.Results.Statistics.StopReason.TargetMet, 0) : State(null, 4321))).ToList();
        var p = new Sweep.Coordinator.Actors.Progress(10_000, 100_000, [], DateTime.UtcNow, 0) { Targets = targets };
        string line = new ProgressView(Akka.Actor.ActorRefs.Nobody).Format(p);
        Assert.Contains("9/10 points stopped", line);
        Assert.Contains("p9:0.003~4321 p0:0.003=", line);
        Assert.DoesNotContain("p8:", line);
    }

    [Fact]
    public void With_a_target_the_time_to_go_is_the_work_to_go_over_this_runs_rate_of_work()
    {
        var target = new Sweep.Campaigns.SampleTarget(Sweep.Campaigns.TargetKind.SaddleUpper95, 1e-5);
        Sweep.Results.Statistics.TargetState?[] targets = [new(target, 1000, 0, 1000, 0, 3e-3, 3e-3, null, 4321)];
        // 1 000 units of work in the 1 000 s since the run started, 7 200 to go: two hours (a slow test adds seconds).
        var p = new Sweep.Coordinator.Actors.Progress(10_000, 100_000, [], DateTime.UtcNow.AddSeconds(-1000), 0) { Targets = targets, WorkDone = 1000, WorkToGo = 7200 };
        var eta = ProgressView.WorkEta(p)!.Value.TotalSeconds;
        Assert.InRange(eta, 7200, 7300);
        var view = new ProgressView(Akka.Actor.ActorRefs.Nobody);
        Assert.Contains("ETA ≈ 02:0", view.Format(p));
        // An open point whose cost is not known yet: no time (its work would be missing from the rate and from what is to go).
        Assert.Null(ProgressView.WorkEta(p with { WorkUnknownPoints = 1 }));
        Assert.DoesNotContain("ETA", view.Format(p with { WorkUnknownPoints = 1 }));
        // No work known to go, or none done yet: no time is made up.
        Assert.Null(ProgressView.WorkEta(p with { WorkToGo = 0 }));
        Assert.Null(ProgressView.WorkEta(p with { WorkDone = 0 }));
        Assert.DoesNotContain("ETA", view.Format(p with { WorkDone = 0 }));
    }
}
