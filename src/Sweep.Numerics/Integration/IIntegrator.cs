namespace Sweep.Numerics.Integration;

/// <summary>
/// Integrates trajectories of one problem under one stop rule, <see cref="Width"/> at a time (one per SIMD lane),
/// each with its own time and <see cref="TrajectoryMonitor"/>; a lane that finishes is refilled with the next
/// trajectory. Results never depend on the width or on which trajectories share a batch. One instance per thread:
/// it owns its buffers and allocates nothing per step.
/// </summary>
public interface IIntegrator
{
    /// <summary>Trajectories integrated at once.</summary>
    int Width { get; }

    /// <summary>Integrates trajectories 0..count−1 (in any interleaving) until each stops (converged, horizon or diverged).</summary>
    void Run(int count, TrajectoryStart start, TrajectoryFinish finish);

    /// <summary>
    /// Integrates the trajectories <paramref name="source"/> hands out until it has none left and every lane is done.
    /// The source may grow while the run goes on (asked again whenever a lane is idle after a step), and an index may be
    /// handed out again once its trajectory has finished. Each trajectory's result is the same bits whatever its neighbours.
    /// </summary>
    void Run(TrajectorySource source, TrajectoryStart start, TrajectoryFinish finish);

    /// <summary>
    /// Names the trajectories of the next <see cref="Run"/>: trajectory i is sample firstSample + i of (seed, point).
    /// Only a stochastic method needs it (minibatch SGD draws its batches from the sample's own stream); the others ignore it.
    /// </summary>
    void Identify(long seed, int point, long firstSample) { }
}

/// <summary>The next trajectory's index (≥ 0), or −1 when there is none for now.</summary>
public delegate int TrajectorySource();

/// <summary>Fills the initial weights (plain row-major) of trajectory <paramref name="index"/>; returns its recorder when it is traced.</summary>
public delegate TraceRecorder? TrajectoryStart(int index, Span<double> weights);

/// <summary>Receives a finished trajectory: how it ended and its final weights (plain row-major).</summary>
public delegate void TrajectoryFinish(int index, in IntegrationResult result, ReadOnlySpan<double> weights);
