namespace Sweep.Numerics.Analysis;

/// <summary>
/// The optional per-sample analyses of a campaign (campaign object <c>analysis</c>): what is measured beyond the
/// trajectory itself. Defaults measure nothing extra, so default outputs stay the contract's.
/// </summary>
/// <param name="Hessian">Which samples get the Hessian spectrum at the stop.</param>
public sealed record AnalysisSettings(HessianScope Hessian = HessianScope.None)
{
    public static AnalysisSettings Default { get; } = new();
}
