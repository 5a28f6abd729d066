using Sweep.Campaigns;

namespace Sweep.Cli.Tests;

/// <summary>The README points users at examples/: every campaign there must load as it is.</summary>
public class ExamplesTests
{
    public static TheoryData<string> Files() => new(Directory.GetFiles(Path.Combine(DeployTests.Root(), "examples"), "*.json").Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Files))]
    public void Example_campaign_loads(string file)
    {
        var campaign = CampaignLoader.Load(Path.Combine(DeployTests.Root(), "examples", file));
        Assert.True(campaign.TotalSamples > 0);
    }

    [Fact]
    public void The_bench_campaign_is_the_small_bench_configuration()
    {
        var campaign = CampaignLoader.Load(Path.Combine(DeployTests.Root(), "examples", "bench-small.json"));
        var point = Assert.Single(campaign.Points);
        var small = BenchCommand.Small;
        Assert.Equal(small.Sigmas, Assert.IsType<CanonicalProblemData>(point.Spec.Problem).SingularValues);
        Assert.Equal(small.InputDim, point.Spec.Problem.InputDim);
        Assert.Equal(small.Hidden, point.Spec.Hidden);
        Assert.Equal(small.Scale, point.Spec.InitScale);
        Assert.Equal(new Sweep.Numerics.Integration.GradientFlowSettings(small.TMax, 1e-7, 1e-9), point.Spec.Dynamics);
        Assert.Equal((1e-6, 1e-3), (point.Spec.GradTolRel, point.Spec.EpsHit));
    }
}
