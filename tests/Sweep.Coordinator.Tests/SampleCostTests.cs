using Sweep.Coordinator.Planning;

namespace Sweep.Coordinator.Tests;

/// <summary>The allocation's flop model of a sample's cost: gradients, Hessians and their tridiagonal reductions at P parameters.</summary>
public class SampleCostTests
{
    [Fact]
    public void The_calibrated_constants_are_positive_and_a_Hessian_dominates_a_gradient()
    {
        Assert.True(SampleCost.PerGradient > 0);
        Assert.True(SampleCost.PerHessian > 0);
        Assert.True(SampleCost.PerReduction > 0);
        // At the atlas's P = 80 one Hessian with its reduction costs hundreds of gradient evaluations
        // (measured 2026-12-08 at P = 80: ≈ 33 µs to assemble and 97–100 µs to reduce, against ≈ 0.27 µs; docs/performance.md).
        double hessian = SampleCost.PerSample(0, 1, 80), gradient = SampleCost.PerSample(1, 0, 80);
        Assert.InRange(hessian / gradient, 100, 10_000);
    }

    [Theory]
    [InlineData(5802, 12.8, 80)]
    [InlineData(3083, 3.9, 48)]
    [InlineData(700, 0, 32)]
    public void A_sample_costs_each_count_at_its_power_of_the_parameters(double gradients, double hessians, int p)
    {
        double expected = gradients * SampleCost.PerGradient * p + hessians * (SampleCost.PerHessian * p * p + SampleCost.PerReduction * p * p * p);
        Assert.Equal(expected, SampleCost.PerSample(gradients, hessians, p), 9);
        // Linear in the counts: the mean sample costs the mean cost.
        Assert.Equal(0.5 * (SampleCost.PerSample(2 * gradients, 0, p) + SampleCost.PerSample(0, 2 * hessians, p)), SampleCost.PerSample(gradients, hessians, p), 9);
        // Doubling the parameters doubles the gradient part and multiplies the Hessian part by 4 to 8.
        if (hessians > 0)
            Assert.InRange((SampleCost.PerSample(0, hessians, 2 * p)) / SampleCost.PerSample(0, hessians, p), 4, 8);
        Assert.Equal(2 * SampleCost.PerSample(gradients, 0, p), SampleCost.PerSample(gradients, 0, 2 * p), 9);
    }

    [Fact]
    public void Unknown_hessian_counts_cost_the_gradients_alone()
    {
        Assert.Equal(SampleCost.PerSample(4000, 0, 80), SampleCost.PerSample(4000, double.NaN, 80));
        Assert.Equal(0, SampleCost.PerSample(0, double.NaN, 80));
    }

    [Fact]
    public void Counting_the_hessians_moves_the_allocation_to_the_point_that_is_cheaper_to_decide()
    {
        // Two points, equal gradient evaluations per sample (5 800 at P = 80) and needs of 400 and 300 samples: by
        // gradients alone the smaller need goes first; its samples, though, each took 13 Hessians (an implicit point)
        // and the other's none, so counting what they cost gives the next shard to the explicit point.
        double explicitCost = SampleCost.PerSample(5800, 0, 80), implicitCost = SampleCost.PerSample(5800, 13, 80);
        const long batch = 100;
        Assert.Equal(1, TargetAllocation.Choose([new(true, 400, 0, 400, SampleCost.PerSample(5800, double.NaN, 80)), new(true, 300, 0, 400, SampleCost.PerSample(5800, double.NaN, 80))], batch));
        Assert.Equal(0, TargetAllocation.Choose([new(true, 400, 0, 400, explicitCost), new(true, 300, 0, 400, implicitCost)], batch));
    }
}
