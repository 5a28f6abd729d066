namespace Sweep.Numerics.Analysis;

/// <summary>What the classification rule says of a state.</summary>
/// <param name="Mask">Bitmask of learned modes (bit i = mode i).</param>
/// <param name="Label">The set S written "{0,2}".</param>
/// <param name="CriticalValue">L_S.</param>
/// <param name="LossGap">L(W) − L_S.</param>
/// <param name="DistanceToCritical">||Z − Z_S||_F with Z_S = diag(s_i 1[i∈S]).</param>
public sealed record Classification(int Mask, string Label, double CriticalValue, double LossGap, double DistanceToCritical);
