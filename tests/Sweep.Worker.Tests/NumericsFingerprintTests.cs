using System.Runtime.Intrinsics;
using Sweep.Numerics.Integration;
using Sweep.Worker;

namespace Sweep.Worker.Tests;

/// <summary>
/// The numerics fingerprint: the same at every lane width (as every sample is), reaching each integrator path it
/// claims to cover, sensitive to one ulp of one result, and pinned, so that a change of what this build computes is a
/// deliberate edit here (and a new fingerprint that stores and coordinators of the old one refuse).
/// </summary>
public sealed class NumericsFingerprintTests
{
    /// <summary>
    /// This build's fingerprint. Change it only with a change that is meant to change samples' bits, and say so in
    /// docs/robustness.md ("Numerics fingerprint"): stores and clusters of the old numerics refuse the new build.
    /// </summary>
    private const string Pinned = "c596c8acf9fb4bda";

    [Fact]
    public void The_fingerprint_is_pinned_and_the_same_at_every_lane_width()
    {
        Assert.Equal(Pinned, NumericsFingerprint.Current);
        Assert.Equal(Pinned, NumericsFingerprint.Compute(lanes: 1));
        if (Vector256.IsHardwareAccelerated) Assert.Equal(Pinned, NumericsFingerprint.Compute(lanes: 4));
        if (Vector512.IsHardwareAccelerated) Assert.Equal(Pinned, NumericsFingerprint.Compute(lanes: 8));
    }

    [Fact]
    public void The_canaries_reach_every_path_they_claim()
    {
        var runs = NumericsFingerprint.Solve().ToDictionary(r => r.Path, r => r.Records);
        // auto: some samples switched to Radau IIA (Hessians taken), some stayed explicit.
        Assert.Contains(runs["flow auto"], r => r.HessianEvaluations > 0);
        Assert.Contains(runs["flow auto"], r => r.HessianEvaluations == 0 && r.Steps > 0);
        Assert.All(runs["flow radau5"], r => Assert.True(r.HessianEvaluations > 0));
        Assert.All(runs["flow suppressed mode"], r => Assert.True(r.HessianEvaluations > 0));
        // The step-bound canary: Radau on the suppressed mode's manifold, run to its step budget while it converges towards
        // the strict saddle L_{0,2} (λ_min < 0 off the manifold), where the bound h·|λ_min| ≤ 1 holds the step (that λ_min's
        // bits enter its results was shown by hand: the interval's upper end instead of its lower one changes the hash).
        var bound = Sweep.Campaigns.CampaignLoader.Parse(NumericsFingerprint.Canaries.Single(c => c.Path == "flow radau5 step bound").Json, ".");
        var boundProblem = PointSolvers.Problem(bound.Points[0].Spec).Value!;
        Assert.All(runs["flow radau5 step bound"], r =>
        {
            Assert.True(r.HessianEvaluations > 0 && r.Steps == 120, $"{r.HessianEvaluations} Hessians, {r.Steps} steps");
            Assert.Equal(boundProblem.CriticalValues.Value(0b101), r.FinalLoss, 6);
        });
        // The matrix-free path: more parameters than the dense limit, and Radau steps taken on it.
        var krylov = Sweep.Campaigns.CampaignLoader.Parse(NumericsFingerprint.Canaries.Single(c => c.Path == "flow radau5 matrix-free").Json, ".");
        Assert.True(PointSolvers.Problem(krylov.Points[0].Spec).Value!.Shape.ParameterCount > RadauIIA5.DenseLimit);
        Assert.All(runs["flow radau5 matrix-free"], r => Assert.True(r.Steps > 0 && r.HessianEvaluations > 0));
        Assert.All(runs["gd"].Concat(runs["adam"]), r => Assert.True(r.Steps > 0));
        Assert.Contains(runs["gd"], r => r.StepCondition.Length > 0);
        // The analyses at the stop give numbers, not their absence.
        var dp45 = runs["flow dp45"];
        Assert.Contains(dp45, r => r.Itinerary.Length > 0);
        Assert.Contains(dp45, r => double.IsFinite(r.HessianMin) && r.HessianAt.Length > 0);
        Assert.Contains(dp45, r => r.InvariantEigenvalues.Length > 0 && double.IsFinite(r.TailRate));
        Assert.Contains(dp45, r => r.TraceTime is { Length: > 1 });
        Assert.Contains(runs["flow prop2 data"], r => double.IsFinite(r.Prop2Rate) && double.IsFinite(r.TailRate));
    }

    [Fact]
    public void One_ulp_of_one_result_changes_the_fingerprint()
    {
        var records = NumericsFingerprint.Solve().SelectMany(r => r.Records).ToArray();
        string hash = NumericsFingerprint.Hash(records);
        Assert.Equal(NumericsFingerprint.Current, hash);
        var nudged = records.ToArray();
        nudged[^1] = nudged[^1] with { FinalLoss = Math.BitIncrement(nudged[^1].FinalLoss) };
        Assert.NotEqual(hash, NumericsFingerprint.Hash(nudged));
        nudged = records.ToArray();
        nudged[0] = nudged[0] with { Steps = nudged[0].Steps + 1 };
        Assert.NotEqual(hash, NumericsFingerprint.Hash(nudged));
    }
}
