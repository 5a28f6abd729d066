using Sweep.Numerics.Kernels;
using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Integration;

/// <summary>
/// Gradient descent W ← W − η∇L with a fixed learning rate. Time is the iteration count k; the stop tests run on
/// the iterate W_k before the update.
/// <para>
/// Runs <c>T.Width</c> trajectories at once, one per SIMD lane, each with its own iteration count and
/// <see cref="TrajectoryMonitor"/>; a lane that finishes is refilled with the next trajectory, which is evaluated with
/// the batch and not updated before its first check. Every lane performs exactly the operations of the one-lane
/// descent (the update is w − η·g per element, the gradient norm is summed in element order), so results do not depend
/// on the width. One instance per thread: it owns its buffers and allocates nothing per iteration.
/// </para>
/// </summary>
public sealed class GradientDescent<T> : IIntegrator where T : struct, ILane<T>
{
    private readonly LossGradientKernel<T> _gradient;
    private readonly GradientDescentSettings _settings;
    private readonly int _n;
    private readonly AlignedBuffer _w, _g;
    private readonly double[] _one;
    private readonly double[] _lossLanes = new double[T.Width], _gLanes = new double[T.Width], _badLanes = new double[T.Width],
        _stepLanes = new double[T.Width];
    private readonly Lane[] _lanes = new Lane[T.Width];
    private readonly TrajectoryMonitor[] _monitors = new TrajectoryMonitor[T.Width];
    private readonly TraceRecorder?[] _traces = new TraceRecorder?[T.Width];

    private struct Lane
    {
        public int Index;      // trajectory index, −1 when idle
        public bool Fresh;     // started since the last evaluation: the next evaluation is its iterate 0
        public long K, Evals;
        public double Loss, GradNorm;
    }

    public GradientDescent(LinearNetworkProblem problem, GradientDescentSettings settings, StopRule stop, InvariantManifold? manifold = null)
    {
        _gradient = problem.NewKernel<T>();
        _settings = settings;
        _n = problem.Shape.ParameterCount;
        _w = new(_n * T.Width);
        _g = new(_n * T.Width);
        _one = new double[_n];
        for (int l = 0; l < T.Width; l++) _monitors[l] = new TrajectoryMonitor(problem, stop, settings.MaxIters, flow: false, manifold);
    }

    public int Width => T.Width;

    /// <inheritdoc/>
    public void Run(int count, TrajectoryStart start, TrajectoryFinish finish)
    {
        int n = _n, width = T.Width;
        Span<double> w = _w, g = _g;
        int next = 0, active = 0;
        for (int l = 0; l < width; l++)
            if (Refill(l, ref next, count, start)) active++;
        T eta = T.Broadcast(_settings.LearningRate), bound = T.Broadcast(TrajectoryMonitor.DivergenceBound);
        T allOnes = T.Broadcast(BitConverter.Int64BitsToDouble(-1));
        while (active > 0)
        {
            T.Store(_lossLanes, 0, _gradient.Evaluate(w, g));
            T.Store(_gLanes, 0, LaneDense<T>.SquaredNorm(g, n));
            T bad = T.Zero;
            for (int e = 0; e < n; e++) bad = T.Or(bad, T.AndNot(allOnes, T.LessOrEqual(T.Abs(T.Load(w, e)), bound)));
            T.Store(_badLanes, 0, bad);

            for (int l = 0; l < width; l++)
            {
                ref var lane = ref _lanes[l];
                _stepLanes[l] = 0;
                if (lane.Index < 0) continue;
                lane.Loss = _lossLanes[l];
                lane.GradNorm = Math.Sqrt(_gLanes[l]);
                bool diverging = !double.IsFinite(lane.GradNorm) || _badLanes[l] != 0;
                SampleStatus? status;
                if (lane.Fresh)
                {
                    lane.Fresh = false;
                    lane.Evals = 1;
                    status = _monitors[l].Start(lane.Loss, lane.GradNorm, diverging, _traces[l], new LaneWeights(w, width, l));
                }
                else
                {
                    lane.Evals++;
                    status = _monitors[l].Observe(lane.K, lane.Loss, lane.GradNorm, diverging, new LaneWeights(w, width, l));
                }
                if (status is { } done)
                {
                    Finish(l, done, finish);
                    if (!Refill(l, ref next, count, start)) active--;
                    continue;
                }
                _stepLanes[l] = BitConverter.Int64BitsToDouble(-1);
                lane.K++;
            }

            // W ← W − η∇L in the lanes that go on; fresh and idle lanes keep their weights.
            T step = T.Load(_stepLanes, 0);
            for (int e = 0; e < n; e++)
            {
                T we = T.Load(w, e);
                T.Store(w, e, T.Select(step, we - eta * T.Load(g, e), we));
            }
        }
    }

    private void Finish(int l, SampleStatus status, TrajectoryFinish finish)
    {
        ref var lane = ref _lanes[l];
        new LaneWeights(_w, T.Width, l).CopyTo(_one);
        var result = _monitors[l].Result(status, lane.K, lane.K, lane.Evals, lane.Loss, lane.GradNorm);
        int index = lane.Index;
        lane.Index = -1;
        finish(index, result, _one);
    }

    /// <summary>Puts the next trajectory in lane <paramref name="l"/> (evaluated with the next batch); an idle lane holds zeros. False when none is left.</summary>
    private bool Refill(int l, ref int next, int count, TrajectoryStart start)
    {
        int width = T.Width;
        Span<double> w = _w;
        ref var lane = ref _lanes[l];
        if (next >= count)
        {
            lane.Index = -1;
            LaneWeights.Clear(w, width, l, _n);
            return false;
        }
        int index = next++;
        _traces[l] = start(index, _one);
        LaneWeights.Store(w, width, l, _one);
        lane = new Lane { Index = index, Fresh = true, K = 0, Evals = 0 };
        return true;
    }
}
