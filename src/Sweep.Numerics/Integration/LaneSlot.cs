namespace Sweep.Numerics.Integration;

/// <summary>
/// What the <see cref="LaneDriver"/> knows of the trajectory in one lane, whatever the method: which trajectory, its
/// time and counters, and the state its method last reported (read by the <see cref="TrajectoryMonitor"/> and written
/// into the result). The method's own per-lane state (a step size, optimizer moments) stays with the method.
/// </summary>
public struct LaneSlot
{
    /// <summary>The trajectory's index in the run, −1 when the lane is idle.</summary>
    public int Index;
    /// <summary>t for a continuous method, the iteration count for a discrete one.</summary>
    public double Time;
    public long Steps, Evaluations;
    /// <summary>The step size a continuous method would try next: set with a hand-off, for the method that continues.</summary>
    public double Step;
    public double Loss, GradientNorm;
    /// <summary>A weight is non-finite or beyond <see cref="TrajectoryMonitor.DivergenceBound"/> (each method tests it in its own pass).</summary>
    public bool Diverging;
    /// <summary>The norm of the method's next step over η when it differs from ∇L (the monitor's state test); 0 otherwise.</summary>
    public double StateNorm;
}
