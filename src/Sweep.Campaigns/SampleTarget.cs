using Sweep.Numerics.Integration;

namespace Sweep.Campaigns;

/// <summary>What a sequential campaign's point must establish (docs/campaign.md, "Targets").</summary>
public enum TargetKind
{
    /// <summary>The anytime-valid 95% upper bound of the saddle-basin mass (saddles + unresolved over non-diverged) ≤ Bound.</summary>
    SaddleUpper95,
    /// <summary>The anytime-valid 95% interval of one outcome's share has half-width ≤ Bound.</summary>
    CiHalfwidth,
}

/// <summary>
/// The campaign key <c>target</c>: per point, sample until this is established, out of reach, or
/// <see cref="Campaign.MaxSamples"/> is spent. <see cref="Of"/> is the outcome of a <see cref="TargetKind.CiHalfwidth"/> target.
/// </summary>
public sealed record SampleTarget(TargetKind Kind, double Bound, Outcome? Of = null)
{
    /// <summary>As written in summary.json and tables: <c>saddle_upper95 ≤ 1e-05</c>, <c>ci_halfwidth(outcome:global) ≤ 0.005</c>.</summary>
    public override string ToString() => Kind == TargetKind.SaddleUpper95
        ? $"saddle_upper95 ≤ {Bound:G3}"
        : $"ci_halfwidth(outcome:{Of!.Value.ToString().ToLowerInvariant()}) ≤ {Bound:G3}";
}
