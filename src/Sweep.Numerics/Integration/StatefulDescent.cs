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
/// L_2 − δ under the step-size condition), so every field of a result equals <see cref="GradientDescent{T}"/>'s.
/// Otherwise the sample is unresolved at max_iters; non-finite or exploding weights are the outcome diverged.
/// </para>
/// <para>
/// The method's step for <c>T.Width</c> trajectories at once, one per SIMD lane, in the scheme of
/// <see cref="GradientDescent{T}"/> (<see cref="DescentLanes{T}"/>; the <see cref="LaneDriver"/> owns the lanes): every lane performs exactly the operations of the one-lane method (element-wise updates with the same operation
/// order, no fused multiply-add, IEEE square root, norms summed in element order, Adam's bias corrections from each
/// lane's own iteration count), so results do not depend on the width. Allocates nothing per iteration.
/// </para>
/// </summary>
public sealed class StatefulDescent<T> : ILaneMethod where T : struct, ILane<T>
{
    private readonly LossGradientKernel<T> _gradient;
    private readonly OptimizerKind _kind;
    private readonly double _eta, _beta1, _beta2, _epsilon;
    private readonly int _n;
    // w: weights; g: gradient; m: first state (velocity, or Adam's first moment); s: Adam's second moment;
    // mNext, sNext: the states after this iteration's update; d: the step direction (W ← W − η d).
    private readonly AlignedBuffer _w, _g, _m, _s, _mNext, _sNext, _d;
    private readonly double[] _dLanes = new double[T.Width], _c1Lanes = new double[T.Width], _c2Lanes = new double[T.Width];
    private readonly double[] _pow1 = new double[T.Width], _pow2 = new double[T.Width];   // β1^(k+1), β2^(k+1) per lane (Adam's bias corrections for the next update)
    private readonly DescentLanes<T> _lanes = new();

    /// <param name="beta1">β (momentum, Nesterov) or β1 (Adam).</param>
    /// <param name="beta2">Adam's β2 (unused otherwise).</param>
    /// <param name="epsilon">Adam's ε (unused otherwise).</param>
    public StatefulDescent(LinearNetworkProblem problem, OptimizerKind kind, double learningRate, double beta1, double beta2, double epsilon)
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
        Array.Fill(_pow1, beta1);
        Array.Fill(_pow2, beta2);
    }

    public int Width => T.Width;

    /// <inheritdoc/>
    public LaneEvent Load(int l, int index, ReadOnlySpan<double> weights, ref LaneSlot slot)
    {
        int width = T.Width;
        LaneWeights.Clear(_m, width, l, _n);
        if (_s.Length > 0) LaneWeights.Clear(_s, width, l, _n);
        LaneWeights.Store(_w, width, l, weights);
        _pow1[l] = _beta1;
        _pow2[l] = _beta2;
        return _lanes.Load(l);
    }

    /// <summary>An idle lane holds zeros, its optimizer state too.</summary>
    public void Clear(int l)
    {
        int width = T.Width;
        LaneWeights.Clear(_m, width, l, _n);
        if (_s.Length > 0) LaneWeights.Clear(_s, width, l, _n);
        LaneWeights.Clear(_w, width, l, _n);
    }

    /// <summary>Evaluates every lane, then forms the next states and the step direction d (kept only where the lane steps).</summary>
    public void PerformStep(ReadOnlySpan<LaneSlot> slots)
    {
        int n = _n, width = T.Width;
        Span<double> w = _w, g = _g, m = _m, s = _s, mNext = _mNext, sNext = _sNext, d = _d;
        _lanes.Evaluate(_gradient, w, g, n);
        T beta1 = T.Broadcast(_beta1), beta2 = T.Broadcast(_beta2), epsilon = T.Broadcast(_epsilon);
        T oneMinusBeta1 = T.Broadcast(1 - _beta1), oneMinusBeta2 = T.Broadcast(1 - _beta2);
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
                    _c1Lanes[l] = 1 - _pow1[l];
                    _c2Lanes[l] = 1 - _pow2[l];
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
    }

    public LaneEvent Report(int l, ref LaneSlot slot)
    {
        slot.StateNorm = Math.Sqrt(_dLanes[l]);
        return _lanes.Report(l, ref slot);
    }

    public void Continue(int l, ref LaneSlot slot)
    {
        _lanes.Continue(l, ref slot);
        _pow1[l] *= _beta1;
        _pow2[l] *= _beta2;
    }

    /// <summary>W ← W − η d and the states move on in the lanes that go on; fresh and idle lanes keep theirs.</summary>
    public void CompleteStep()
    {
        int n = _n;
        Span<double> w = _w, m = _m, s = _s, mNext = _mNext, sNext = _sNext, d = _d;
        T eta = T.Broadcast(_eta), step = _lanes.StepMask;
        for (int e = 0; e < n; e++)
        {
            T we = T.Load(w, e);
            T.Store(w, e, T.Select(step, we - eta * T.Load(d, e), we));
            T.Store(m, e, T.Select(step, T.Load(mNext, e), T.Load(m, e)));
        }
        if (_kind == OptimizerKind.Adam)
            for (int e = 0; e < n; e++) T.Store(s, e, T.Select(step, T.Load(sNext, e), T.Load(s, e)));
    }

    public LaneWeights Weights(int l) => new(_w, T.Width, l);
}
