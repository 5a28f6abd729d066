namespace Sweep.Numerics.Integration;

/// <summary>
/// The integrator loop every method shares (SciML's one integrator type): <see cref="ILaneMethod.Width"/> lane slots,
/// each with its trajectory's time and counters, its <see cref="TrajectoryMonitor"/> and trace; a lane whose
/// trajectory stops is finished (the monitor's result, the final weights) and refilled with the next trajectory at
/// once. The method only loads, steps and reports (<see cref="ILaneMethod"/>); its traits (<see cref="Dynamics"/>)
/// choose how the monitors judge it. Results never depend on the width or on which trajectories share a batch, since
/// the driver only reads and writes per lane. One instance per thread; nothing is allocated per step.
/// <para>
/// Extension point: a method may report an accepted state as <see cref="LaneEvent.HandOff"/> (the stiff <c>auto</c>
/// mode): the monitor observes it as any accepted state and, unless the trajectory stops there, <see cref="HandOff"/>
/// continues it to its end with the same monitor; the lane then takes the next trajectory. A step budget
/// (<c>maxSteps</c>) ends an uncertified trajectory with status budget.
/// </para>
/// </summary>
public sealed class LaneDriver : IIntegrator
{
    private readonly ILaneMethod _method;
    private readonly LaneSlot[] _slots;
    private readonly TrajectoryMonitor[] _monitors;
    private readonly TraceRecorder?[] _traces;
    private readonly double[] _one;
    private readonly long _maxSteps;

    /// <param name="method">The method's step.</param>
    /// <param name="parameters">Weights per trajectory.</param>
    /// <param name="newMonitor">A monitor for one lane (the same stop rule, horizon and certification for every lane).</param>
    /// <param name="maxSteps">Accepted steps after which a trajectory that goes on stops with status budget.</param>
    public LaneDriver(ILaneMethod method, int parameters, Func<TrajectoryMonitor> newMonitor, long maxSteps = long.MaxValue)
    {
        _maxSteps = maxSteps;
        _method = method;
        int width = method.Width;
        _slots = new LaneSlot[width];
        _monitors = new TrajectoryMonitor[width];
        for (int l = 0; l < width; l++) _monitors[l] = newMonitor();
        _traces = new TraceRecorder?[width];
        _one = new double[parameters];
    }

    public int Width => _method.Width;

    /// <summary>Where a handed-over trajectory goes; a method may report <see cref="LaneEvent.HandOff"/> only when it is set.</summary>
    public TrajectoryHandOff? HandOff { get; set; }

    public void Identify(long seed, int point, long firstSample) => _method.Identify(seed, point, firstSample);

    /// <inheritdoc/>
    public void Run(int count, TrajectoryStart start, TrajectoryFinish finish)
    {
        int next = 0;
        Run(() => next < count ? next++ : -1, start, finish);
    }

    /// <inheritdoc/>
    public void Run(TrajectorySource source, TrajectoryStart start, TrajectoryFinish finish)
    {
        var method = _method;
        int width = method.Width, active = 0;
        for (int l = 0; l < width; l++)
        {
            _slots[l].Index = -1;
            if (Refill(l, source, start, finish)) active++;
        }
        while (active > 0)
        {
            method.PerformStep(_slots);
            BatchSteps++;
            LaneSteps += active;
            for (int l = 0; l < width; l++)
            {
                ref var slot = ref _slots[l];
                if (slot.Index < 0) continue;
                var e = method.Report(l, ref slot);
                SampleStatus? status = e switch
                {
                    LaneEvent.Accepted or LaneEvent.HandOff => _monitors[l].Observe(slot.Time, slot.Loss, slot.GradientNorm, slot.Diverging, method.Weights(l), slot.StateNorm)
                        ?? (slot.Steps >= _maxSteps ? SampleStatus.Budget : null),
                    LaneEvent.Started => _monitors[l].Start(slot.Loss, slot.GradientNorm, slot.Diverging, _traces[l], method.Weights(l), slot.StateNorm),
                    LaneEvent.Failed => SampleStatus.Diverged,
                    _ => null,
                };
                if (status is { } done) Finish(l, done, finish);
                else if (e == LaneEvent.HandOff) Hand(l, finish);
                else
                {
                    if (e != LaneEvent.None) method.Continue(l, ref slot);
                    continue;
                }
                if (!Refill(l, source, start, finish)) active--;
            }
            // A source that grows while the run goes on (the next shard arrived): its trajectories take the idle lanes
            // at the same point of the step as any refill, so a lane's trajectory never sees when it was loaded.
            if (active < width)
                for (int l = 0; l < width; l++)
                    if (_slots[l].Index < 0 && Draw(l, source, start, finish)) active++;
            method.CompleteStep();
        }
    }

    /// <summary>Steps of the whole batch since this driver was built (each steps every lane, idle or not).</summary>
    public long BatchSteps { get; private set; }

    /// <summary>Lane-steps that advanced a trajectory since this driver was built: <see cref="LaneSteps"/> / (<see cref="BatchSteps"/> × <see cref="Width"/>) is the lane occupancy.</summary>
    public long LaneSteps { get; private set; }

    private void Finish(int l, SampleStatus status, TrajectoryFinish finish)
    {
        ref var slot = ref _slots[l];
        _method.Conclude(l, status, ref slot);
        _method.Weights(l).CopyTo(_one);
        var result = _monitors[l].Result(status, slot.Time, slot.Steps, slot.Evaluations, slot.Loss, slot.GradientNorm);
        int index = slot.Index;
        slot.Index = -1;
        finish(index, result, _one);
    }

    private void Hand(int l, TrajectoryFinish finish)
    {
        var receiver = HandOff ?? throw new InvalidOperationException("a method handed a trajectory over, but no receiver is set");
        ref var slot = ref _slots[l];
        _method.Weights(l).CopyTo(_one);
        var result = receiver(slot, _one, _monitors[l]);
        int index = slot.Index;
        slot.Index = -1;
        finish(index, result, _one);
    }

    /// <summary>
    /// Starts the next trajectory in lane <paramref name="l"/>; one that the method evaluates at once and that stops
    /// at t = 0 finishes here, and the next one is tried. False when none is left (the lane is cleared).
    /// </summary>
    private bool Refill(int l, TrajectorySource source, TrajectoryStart start, TrajectoryFinish finish)
    {
        if (Draw(l, source, start, finish)) return true;
        _slots[l].Index = -1;
        _method.Clear(l);
        return false;
    }

    /// <summary>As <see cref="Refill"/>, but a lane left without a trajectory is not cleared again (it is idle already).</summary>
    private bool Draw(int l, TrajectorySource source, TrajectoryStart start, TrajectoryFinish finish)
    {
        int index;
        while ((index = source()) >= 0)
        {
            ref var slot = ref _slots[l];
            var trace = _traces[l] = start(index, _one);
            slot = new LaneSlot { Index = index };
            if (_method.Load(l, index, _one, ref slot) == LaneEvent.None) return true;
            if (_monitors[l].Start(slot.Loss, slot.GradientNorm, slot.Diverging, trace, _method.Weights(l), slot.StateNorm) is { } stopped)
            {
                Finish(l, stopped, finish);
                continue;
            }
            _method.Continue(l, ref slot);
            return true;
        }
        return false;
    }
}
