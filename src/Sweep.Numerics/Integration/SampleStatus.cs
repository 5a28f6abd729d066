namespace Sweep.Numerics.Integration;

/// <summary>How a trajectory stopped.</summary>
public enum SampleStatus { Converged, Horizon, Diverged }

