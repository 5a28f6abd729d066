namespace Sweep.Numerics.Integration;

/// <summary>What a method's step did in one lane (<see cref="ILaneMethod.Report"/>), which the <see cref="LaneDriver"/> acts on.</summary>
public enum LaneEvent : byte
{
    /// <summary>Nothing to observe: a rejected step, or a trajectory loaded but not yet evaluated.</summary>
    None,
    /// <summary>The first state of a trajectory (time 0): the monitor starts it.</summary>
    Started,
    /// <summary>An accepted state: the monitor observes it.</summary>
    Accepted,
    /// <summary>The method gave up on the trajectory (Dormand–Prince: the step size collapsed), which counts as diverged.</summary>
    Failed,
    /// <summary>The method hands the trajectory over to another method (<see cref="TrajectoryHandOff"/>); the lane is refilled.</summary>
    HandOff,
}
