namespace Sweep.Numerics.Integration;

/// <summary>How a trajectory stopped: <see cref="Budget"/> when its step budget (max_steps) ran out before its until condition or a horizon.</summary>
public enum SampleStatus { Converged, Horizon, Diverged, Budget }
