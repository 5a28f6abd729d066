namespace Sweep.Numerics.Integration;

/// <summary>
/// What a finite run may claim of a trajectory's limit (docs/math.md, Outcomes and certificates).
/// <list type="bullet">
/// <item><see cref="Global"/>: certified to converge to a global minimum (flow: the loss fell below L_2 − δ; descent:
/// the same where its step-size condition holds, <see cref="DescentStepCondition"/>, else the gradient test at the global label).</item>
/// <item><see cref="Saddle"/>: certified structurally: the state lies on the invariant manifold of suppressed modes
/// (their rows and columns still exactly zero), where a mode can never be learned, and the gradient test holds.</item>
/// <item><see cref="Unresolved"/>: neither, at the horizon; the label says which saddle it was near.</item>
/// <item><see cref="Diverged"/>: non-finite or exploding weights (for the flow a numerical failure: Prop. 1 excludes it).</item>
/// </list>
/// </summary>
public enum Outcome { Global, Saddle, Unresolved, Diverged }

/// <summary>
/// An outcome's name in prose: the summary's target (<c>outcome:saddle of all</c>). The columns of samples.csv and the
/// other codecs take theirs from the enum itself (<c>EnumColumn</c>, the same lower-case names).
/// </summary>
public static class OutcomeNames
{
    public static string Name(this Outcome o) => o switch
    {
        Outcome.Global => "global",
        Outcome.Saddle => "saddle",
        Outcome.Unresolved => "unresolved",
        _ => "diverged",
    };
}
