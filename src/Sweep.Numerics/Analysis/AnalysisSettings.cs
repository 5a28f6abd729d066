namespace Sweep.Numerics.Analysis;

/// <summary>
/// The optional per-sample analyses of a campaign (campaign object <c>analysis</c>): what is measured beyond the
/// trajectory itself. Defaults measure nothing extra, so default outputs stay the contract's.
/// </summary>
/// <param name="Hessian">Which samples get the Hessian spectrum at the stop.</param>
/// <param name="Invariants">Whether each sample gets the extreme eigenvalues of every D_i at t = 0 (<see cref="Analysis.Invariants.ExtremeEigenvalues"/>).</param>
/// <param name="Itinerary">
/// Whether each trajectory's monitor records its saddle-to-saddle itinerary, the Z rule at every accepted step (one
/// product W_{H+1}···W_1 and the rotation to Z per accepted step).
/// </param>
/// <param name="TailRate">Whether each trajectory's monitor measures its tail rate (<see cref="Integration.TailRateFit"/>; a logarithm per accepted step).</param>
/// <param name="Prop2">
/// Whether each flow sample gets the rate its invariants guarantee on a pyramidal network (<see cref="Proposition2"/>;
/// a few small eigensolves at t = 0).
/// </param>
public sealed record AnalysisSettings(HessianScope Hessian = HessianScope.None, bool Invariants = false, bool Itinerary = false, bool TailRate = false, bool Prop2 = false)
{
    public static AnalysisSettings Default { get; } = new();
}
