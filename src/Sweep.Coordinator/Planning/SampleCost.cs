namespace Sweep.Coordinator.Planning;

/// <summary>
/// What one sample of a point costs, for the allocation (<see cref="TargetAllocation"/>): a flop model over the counts
/// the sample records, never a clock, so the same samples give the same cost on any machine and the allocation's
/// decisions do not depend on load. A gradient evaluation costs about <see cref="PerGradient"/>·P, an exact Hessian
/// (RadauIIA5's Jacobian) <see cref="PerHessian"/>·P² to assemble plus <see cref="PerReduction"/>·P³ to reduce to tridiagonal form
/// (each Hessian is reduced once), P the parameters. The constants are nanoseconds of one core of the machine they
/// were calibrated on (<c>sweep bench --cost-model</c>, docs/performance.md), so the unit reads as an estimate of CPU
/// time there. Pure.
/// </summary>
public static class SampleCost
{
    /// <summary>Nanoseconds per parameter of one gradient evaluation.</summary>
    public const double PerGradient = 4;

    /// <summary>Nanoseconds per P² of one dense Hessian assembly.</summary>
    public const double PerHessian = 6;

    /// <summary>Nanoseconds per P³ of one tridiagonal reduction of the Hessian, Q accumulated (<c>TridiagonalJacobian</c>).</summary>
    public const double PerReduction = 0.25;

    /// <summary>
    /// The cost of a sample that took <paramref name="gradients"/> gradient evaluations and <paramref name="hessians"/>
    /// Hessians (means over a point's samples are fine: the model is linear in both). Hessians NaN (not known: no shard
    /// of the prefix carries the count, stored before schema 8 and not solved in this run) counts the gradients alone;
    /// the coordinator does not ask then (the point's cost is unknown to it, since its Hessians may be most of it).
    /// </summary>
    public static double PerSample(double gradients, double hessians, int parameters)
    {
        double p = parameters;
        double cost = gradients * PerGradient * p;
        if (double.IsFinite(hessians) && hessians > 0) cost += hessians * (PerHessian * p * p + PerReduction * p * p * p);
        return cost;
    }
}
