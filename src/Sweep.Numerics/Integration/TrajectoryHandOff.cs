namespace Sweep.Numerics.Integration;

/// <summary>
/// Receives a trajectory that its method handed over (<see cref="LaneEvent.HandOff"/>) before it stopped: its index,
/// its slot (time, steps, evaluations, last state), its weights (plain row-major, valid during the call) and the
/// <see cref="TrajectoryMonitor"/> that has observed it so far, with its trace. The monitor travels with the trajectory:
/// the receiver owns it from now on (and may give it back through <see cref="LaneDriver.ReturnMonitor"/>), so t_hit,
/// a certificate, the itinerary and the tail-rate fit go on where they were.
/// </summary>
/// <remarks>
/// The extension point for the <c>auto</c> mode: a Dormand–Prince lane that detects stiffness reports
/// <see cref="LaneEvent.HandOff"/>; the driver passes the trajectory here, gives the lane a spare monitor and refills
/// it at once. The receiving (implicit) integrator continues from the slot's time and counters with the travelling
/// monitor (its <c>Observe</c>, never <c>Start</c> again) and finishes the trajectory through the run's
/// <see cref="TrajectoryFinish"/>.
/// </remarks>
public delegate void TrajectoryHandOff(int index, in LaneSlot slot, ReadOnlySpan<double> weights, TrajectoryMonitor monitor, TraceRecorder? trace);
