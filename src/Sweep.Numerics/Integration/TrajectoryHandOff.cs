namespace Sweep.Numerics.Integration;

/// <summary>
/// Continues a trajectory that its method handed over (<see cref="LaneEvent.HandOff"/>): its slot (time, steps,
/// evaluations and the accepted state the monitor has just observed), its weights (plain row-major; on return, the final
/// weights) and the lane's <see cref="TrajectoryMonitor"/>, which has seen every accepted state so far, so t_hit, a
/// certificate, the itinerary, the trace and the tail-rate fit go on where they were. Runs the trajectory to its end
/// and returns how it ended; the driver finishes it and refills the lane.
/// </summary>
/// <remarks>
/// The extension point of the <c>auto</c> flow integrator: a Dormand–Prince lane that detects stiffness hands its
/// trajectory to Radau IIA (<see cref="RadauIIA5"/>), synchronously, so that its lane takes the next trajectory at once
/// and results stay a pure function of the sample whatever the lane width.
/// </remarks>
public delegate IntegrationResult TrajectoryHandOff(in LaneSlot slot, Span<double> weights, TrajectoryMonitor monitor);
