namespace Sweep.Numerics.Analysis;

/// <summary>Which samples get the second-order analysis at the stop (campaign key <c>analysis.hessian</c>).</summary>
public enum HessianScope
{
    /// <summary>None (the default).</summary>
    None,
    /// <summary>The samples whose outcome is <c>unresolved</c>: the ones a saddle held at the horizon.</summary>
    Uncertified,
    /// <summary>Every non-diverged sample.</summary>
    All,
}
