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

