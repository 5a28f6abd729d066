using Sweep.Numerics.Kernels;
using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Integration;

/// <summary>
/// Descent with an optimizer state: heavy-ball momentum, Nesterov and Adam (the exact updates are on
/// <see cref="MomentumSettings"/>, <see cref="NesterovSettings"/> and <see cref="AdamSettings"/>). Time is the
/// iteration count k; the stop tests run on the iterate W_k before the update.
/// <para>
/// Outcomes: the loss is not monotone for these methods, so L &lt; L_2 − δ certifies nothing; a trajectory is
/// certified only by convergence (<see cref="TrajectoryMonitor"/> with <c>lossCertificate: false</c>): at the iterate
/// W_k, ||∇L(W_k)||_F ≤ grad_tol_rel·||Cyx||_F and ||d_k||_F ≤ grad_tol_rel·||Cyx||_F, where W_{k+1} = W_k − η d_k is
/// the step the method is about to take (momentum: d = v_{k+1} = β v_k + ∇L; Nesterov: d = ∇L + β v_{k+1};
/// Adam: d = m̂/(√ŝ + ε)), and the label of W_k is global (Z rule). For plain descent d = ∇L, so the state test is
/// the gradient test. t_global is that iteration; t_hit is the first iterate with L − L_min ≤ eps_hit, as for descent.
/// With β = 0 momentum and Nesterov are plain descent bit for bit and keep descent's certificate (the loss below
/// L_2 − δ while every step decreased it), so every field of a result equals <see cref="GradientDescent{T}"/>'s.
/// Otherwise the sample is unresolved at max_iters; non-finite or exploding weights are the outcome diverged.
/// </para>
/// <para>
/// Runs <c>T.Width</c> trajectories at once, one per SIMD lane, in the scheme of <see cref="GradientDescent{T}"/>:
/// every lane performs exactly the operations of the one-lane method (element-wise updates with the same operation
/// order, no fused multiply-add, IEEE square root, norms summed in element order, Adam's bias corrections from each
/// lane's own iteration count), so results do not depend on the width. Allocates nothing per iteration.
/// </para>
/// </summary>
public sealed class StatefulDescent<T> : IIntegrator where T : struct, ILane<T>
{
    private readonly LossGradientKernel<T> _gradient;
    private readonly OptimizerKind _kind;
    private readonly double _eta, _beta1, _beta2, _epsilon;
    private readonly int _n;
    // w: weights; g: gradient; m: first state (velocity, or Adam's first moment); s: Adam's second moment;
    // mNext, sNext: the states after this iteration's update; d: the step direction (W ← W − η d).
    private readonly AlignedBuffer _w, _g, _m, _s, _mNext, _sNext, _d;
    private readonly double[] _one;
    private readonly double[] _lossLanes = new double[T.Width], _gLanes = new double[T.Width], _dLanes = new double[T.Width],
        _badLanes = new double[T.Width], _stepLanes = new double[T.Width], _c1Lanes = new double[T.Width], _c2Lanes = new double[T.Width];
    private readonly Lane[] _lanes = new Lane[T.Width];
    private readonly TrajectoryMonitor[] _monitors = new TrajectoryMonitor[T.Width];
    private readonly TraceRecorder?[] _traces = new TraceRecorder?[T.Width];

    private struct Lane
    {
        public int Index;      // trajectory index, −1 when idle
        public bool Fresh;     // started since the last evaluation: the next evaluation is its iterate 0
        public long K, Evals;
        public double Loss, GradNorm;
        public double Pow1, Pow2;   // β1^(K+1), β2^(K+1) (Adam's bias corrections for the next update)
    }

    /// <param name="beta1">β (momentum, Nesterov) or β1 (Adam).</param>
    /// <param name="beta2">Adam's β2 (unused otherwise).</param>
    /// <param name="epsilon">Adam's ε (unused otherwise).</param>
    public StatefulDescent(LinearNetworkProblem problem, OptimizerKind kind, double learningRate, double beta1, double beta2, double epsilon,
        long maxIters, StopRule stop, InvariantManifold? manifold = null)
    {
        _gradient = problem.NewKernel<T>();
        _kind = kind;
        _eta = learningRate;
        _beta1 = beta1;
        _beta2 = beta2;
        _epsilon = epsilon;
        _n = problem.Shape.ParameterCount;
        int size = _n * T.Width;
        _w = new(size); _g = new(size); _m = new(size); _mNext = new(size); _d = new(size);
        _s = new(kind == OptimizerKind.Adam ? size : 0);
        _sNext = new(kind == OptimizerKind.Adam ? size : 0);
        _one = new double[_n];
        for (int l = 0; l < T.Width; l++)
        {
            _monitors[l] = new TrajectoryMonitor(problem, stop, maxIters, flow: false, manifold, lossCertificate: PlainDescent);
            _lanes[l].Pow1 = beta1;
            _lanes[l].Pow2 = beta2;
        }
    }

    /// <summary>Momentum or Nesterov with β = 0: plain descent (bit for bit), which keeps descent's loss certificate.</summary>
    private bool PlainDescent => _kind != OptimizerKind.Adam && _beta1 == 0;

    public int Width => T.Width;

    /// <inheritdoc/>
    public void Run(int count, TrajectoryStart start, TrajectoryFinish finish)
    {
        int n = _n, width = T.Width;
        Span<double> w = _w, g = _g, m = _m, s = _s, mNext = _mNext, sNext = _sNext, d = _d;
        int next = 0, active = 0;
        for (int l = 0; l < width; l++)
            if (Refill(l, ref next, count, start)) active++;
        T eta = T.Broadcast(_eta), beta1 = T.Broadcast(_beta1), beta2 = T.Broadcast(_beta2), epsilon = T.Broadcast(_epsilon);
        T oneMinusBeta1 = T.Broadcast(1 - _beta1), oneMinusBeta2 = T.Broadcast(1 - _beta2);
        T bound = T.Broadcast(TrajectoryMonitor.DivergenceBound);
        T allOnes = T.Broadcast(BitConverter.Int64BitsToDouble(-1));
        while (active > 0)
        {
            T.Store(_lossLanes, 0, _gradient.Evaluate(w, g));
            T.Store(_gLanes, 0, LaneDense<T>.SquaredNorm(g, n));
            T bad = T.Zero;
            for (int e = 0; e < n; e++) bad = T.Or(bad, T.AndNot(allOnes, T.LessOrEqual(T.Abs(T.Load(w, e)), bound)));
            T.Store(_badLanes, 0, bad);

            // The next states and the step direction d, in every lane (kept only where the lane steps).
            switch (_kind)
            {
                case OptimizerKind.Momentum:
                    for (int e = 0; e < n; e++)
                    {
                        T v = beta1 * T.Load(m, e) + T.Load(g, e);
                        T.Store(mNext, e, v);
                        T.Store(d, e, v);
                    }
                    break;
                case OptimizerKind.Nesterov:
                    for (int e = 0; e < n; e++)
                    {
                        T ge = T.Load(g, e);
                        T v = beta1 * T.Load(m, e) + ge;
                        T.Store(mNext, e, v);
                        T.Store(d, e, ge + beta1 * v);
                    }
                    break;
                default:
                    for (int l = 0; l < width; l++)
                    {
                        _c1Lanes[l] = 1 - _lanes[l].Pow1;
                        _c2Lanes[l] = 1 - _lanes[l].Pow2;
                    }
                    T c1 = T.Load(_c1Lanes, 0), c2 = T.Load(_c2Lanes, 0);
                    for (int e = 0; e < n; e++)
                    {
                        T ge = T.Load(g, e);
                        T me = beta1 * T.Load(m, e) + oneMinusBeta1 * ge;
                        T se = beta2 * T.Load(s, e) + oneMinusBeta2 * (ge * ge);
                        T.Store(mNext, e, me);
                        T.Store(sNext, e, se);
                        T.Store(d, e, me / c1 / (T.Sqrt(se / c2) + epsilon));
                    }
                    break;
            }
            T.Store(_dLanes, 0, LaneDense<T>.SquaredNorm(d, n));

            for (int l = 0; l < width; l++)
            {
                ref var lane = ref _lanes[l];
                _stepLanes[l] = 0;
                if (lane.Index < 0) continue;
                lane.Loss = _lossLanes[l];
                lane.GradNorm = Math.Sqrt(_gLanes[l]);
                double stateNorm = Math.Sqrt(_dLanes[l]);
                bool diverging = !double.IsFinite(lane.GradNorm) || _badLanes[l] != 0;
                SampleStatus? status;
                if (lane.Fresh)
                {
                    lane.Fresh = false;
                    lane.Evals = 1;
                    status = _monitors[l].Start(lane.Loss, lane.GradNorm, diverging, _traces[l], new LaneWeights(w, width, l), stateNorm);
                }
                else
                {
                    lane.Evals++;
                    status = _monitors[l].Observe(lane.K, lane.Loss, lane.GradNorm, diverging, new LaneWeights(w, width, l), stateNorm);
                }
                if (status is { } done)
                {
                    Finish(l, done, finish);
                    if (!Refill(l, ref next, count, start)) active--;
                    continue;
                }
                _stepLanes[l] = BitConverter.Int64BitsToDouble(-1);
                lane.K++;
                lane.Pow1 *= _beta1;
                lane.Pow2 *= _beta2;
            }

            // W ← W − η d and the states move on in the lanes that go on; fresh and idle lanes keep theirs.
            T step = T.Load(_stepLanes, 0);
            for (int e = 0; e < n; e++)
            {
                T we = T.Load(w, e);
                T.Store(w, e, T.Select(step, we - eta * T.Load(d, e), we));
                T.Store(m, e, T.Select(step, T.Load(mNext, e), T.Load(m, e)));
            }
            if (_kind == OptimizerKind.Adam)
                for (int e = 0; e < n; e++) T.Store(s, e, T.Select(step, T.Load(sNext, e), T.Load(s, e)));
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

    /// <summary>Puts the next trajectory in lane <paramref name="l"/> with zero optimizer state (evaluated with the next batch); an idle lane holds zeros. False when none is left.</summary>
    private bool Refill(int l, ref int next, int count, TrajectoryStart start)
    {
        int width = T.Width;
        Span<double> w = _w, m = _m, s = _s;
        ref var lane = ref _lanes[l];
        LaneWeights.Clear(m, width, l, _n);
        if (s.Length > 0) LaneWeights.Clear(s, width, l, _n);
        if (next >= count)
        {
            lane.Index = -1;
            LaneWeights.Clear(w, width, l, _n);
            return false;
        }
        int index = next++;
        _traces[l] = start(index, _one);
        LaneWeights.Store(w, width, l, _one);
        lane = new Lane { Index = index, Fresh = true, K = 0, Evals = 0, Pow1 = _beta1, Pow2 = _beta2 };
        return true;
    }
}
