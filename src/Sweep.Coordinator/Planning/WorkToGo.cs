using Sweep.Results.Statistics;

namespace Sweep.Coordinator.Planning;

/// <summary>
/// How much work a campaign with a target has done in this run and has still to do, in <see cref="SampleCost"/>'s
/// units: per point its samples times its cost per sample (from the point's complete prefix), the samples to go being the
/// target's projection (<see cref="TargetState.ToGo"/>). A progress display divides the second by the rate of the first
/// for a time to go that weighs a deep point's sample as the hundred shallow ones it costs, which samples per second
/// cannot. The unit cancels, so the machine the model was calibrated on does not matter. Pure.
/// </summary>
public static class WorkToGo
{
    /// <summary>
    /// Work done since <paramref name="countsAtStart"/> and work to go, both over the points whose cost is known; and how
    /// many open points are left out, their cost or state not known yet (no complete prefix reported, or no Hessian
    /// count in its prefix, from the store or this run: NaN, or not positive). A time to go needs that to be none: a point left out would be missing from the
    /// rate and from what is to go alike, biasing the time either way.
    /// </summary>
    public static (double Done, double ToGo, int Unknown) Estimate(IReadOnlyList<long> counts, IReadOnlyList<long> countsAtStart, IReadOnlyList<double> costPerSample, IReadOnlyList<TargetState?> targets)
    {
        if (counts.Count != countsAtStart.Count || counts.Count != costPerSample.Count || counts.Count != targets.Count)
            throw new ArgumentException("one count, start count, cost and target state per point");
        double done = 0, toGo = 0;
        int unknown = 0;
        for (int p = 0; p < counts.Count; p++)
        {
            double cost = costPerSample[p];
            bool costKnown = double.IsFinite(cost) && cost > 0;
            if (costKnown) done += Math.Max(0, counts[p] - countsAtStart[p]) * cost;
            if (targets[p] is not { } state) { unknown++; continue; }
            if (state.Stopped is not null || state.ToGo == 0) continue;
            if (costKnown) toGo += state.ToGo * cost;
            else unknown++;
        }
        return (done, toGo, unknown);
    }
}
