namespace Sweep.Numerics.Integration;

/// <summary>
/// When a certified trajectory stops (<c>stop.until</c>); an uncertified one always runs to the horizon.
/// <list type="bullet">
/// <item><see cref="Certified"/>: the moment its outcome is certified.</item>
/// <item><see cref="Hit"/> (the default): once certified global and L − L_min ≤ eps_hit; a certified saddle stops at its certification.</item>
/// <item><see cref="Converged"/>: once certified and the gradient test holds.</item>
/// </list>
/// </summary>
public enum Until { Certified, Hit, Converged }

/// <summary>The names of <see cref="Until"/> in the campaign file.</summary>
public static class UntilNames
{
    public static string Name(this Until u) => u switch
    {
        Until.Certified => "certified",
        Until.Hit => "hit",
        _ => "converged",
    };

    /// <summary>Null when <paramref name="s"/> is not a name of <see cref="Until"/>.</summary>
    public static Until? Parse(string s) => s switch
    {
        "certified" => Until.Certified,
        "hit" => Until.Hit,
        "converged" => Until.Converged,
        _ => null,
    };
}
