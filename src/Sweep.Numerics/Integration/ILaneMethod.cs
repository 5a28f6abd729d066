using Sweep.Numerics.Kernels;

namespace Sweep.Numerics.Integration;

/// <summary>
/// The part of an integrator that is the method's own (SciML's <c>initialize!</c> and <c>perform_step!</c>): it
/// loads a trajectory into a lane, steps every lane at once and says per lane what the step did. The
/// <see cref="LaneDriver"/> owns everything else: the lane slots and their refill, the <see cref="TrajectoryMonitor"/>
/// per lane (start, observe, stop), finishing with the result, traces, and the hand-off of a trajectory to another method.
/// <para>
/// One step of the driver's loop: <see cref="PerformStep"/>; then, lane by lane, <see cref="Report"/>, the monitor
/// for a <see cref="LaneEvent.Started"/> or <see cref="LaneEvent.Accepted"/> state, and <see cref="Continue"/> when the
/// trajectory goes on (or finish and refill when it stops); then <see cref="CompleteStep"/>. A method allocates
/// nothing in these calls, and every lane performs exactly the operations of the one-lane method.
/// </para>
/// </summary>
public interface ILaneMethod
{
    /// <summary>Trajectories stepped at once (lanes).</summary>
    int Width { get; }

    /// <summary>Names the trajectories of the next run (<see cref="IIntegrator.Identify"/>); only a stochastic method needs it.</summary>
    void Identify(long seed, int point, long firstSample) { }

    /// <summary>
    /// Places trajectory <paramref name="index"/>'s initial <paramref name="weights"/> (plain row-major) in
    /// <paramref name="lane"/> with fresh method state; <paramref name="slot"/> holds the index and zero counters.
    /// Returns <see cref="LaneEvent.Started"/> when the method evaluated the first state at once (its loss, gradient
    /// norm and divergence are in the slot), <see cref="LaneEvent.None"/> when that state is evaluated with the next
    /// step (whose <see cref="Report"/> then says <see cref="LaneEvent.Started"/>).
    /// </summary>
    LaneEvent Load(int lane, int index, ReadOnlySpan<double> weights, ref LaneSlot slot);

    /// <summary>The lane holds no trajectory: it computes on harmless values (zeros) until the run ends.</summary>
    void Clear(int lane);

    /// <summary>One step of every lane (idle lanes included, their results unused).</summary>
    void PerformStep(ReadOnlySpan<LaneSlot> slots);

    /// <summary>What the last step did in an active lane; updates the slot's time, counters and (for a state to observe) loss, gradient norm, divergence and state norm.</summary>
    LaneEvent Report(int lane, ref LaneSlot slot);

    /// <summary>The monitor let the trajectory go on from the state just started or accepted: prepare its next step (step size, update mask, iteration count).</summary>
    void Continue(int lane, ref LaneSlot slot);

    /// <summary>After every lane reported: whatever the step still owes the lanes that go on (descent applies its update here).</summary>
    void CompleteStep() { }

    /// <summary>The weights in <paramref name="lane"/>, read in place.</summary>
    LaneWeights Weights(int lane);

    /// <summary>
    /// The trajectory in <paramref name="lane"/> stops with <paramref name="status"/>: the method may replace the
    /// reported state before the driver reads it (minibatch SGD reports its tail average at the horizon).
    /// </summary>
    void Conclude(int lane, SampleStatus status, ref LaneSlot slot) { }
}
