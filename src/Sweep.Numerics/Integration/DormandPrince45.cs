using System.Runtime.CompilerServices;
using Sweep.Numerics.Kernels;
using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Integration;

/// <summary>
/// Gradient flow dW/dt = −∇L(W) by the Dormand–Prince 5(4) pair (FSAL, local extrapolation), with the standard
/// controller: error norm RMS(err_k / (atol + rtol·max(|y_k|, |y_new,k|))), step factor 0.9·err^{-1/5} clipped to
/// [0.2, 10] (at most 1 after a rejection), initial step by Hairer's heuristic.
/// <para>
/// The method's step for <c>T.Width</c> trajectories at once, one per SIMD lane, each with its own step size; the
/// <see cref="LaneDriver"/> owns the lanes' times, counters, monitors and refill. Lanes never mix: every lane performs
/// exactly the operations the one-lane integrator would, so results do not depend on the lane width or on which
/// trajectories share a batch. One instance per thread: it owns its buffers and allocates nothing per step.
/// </para>
/// </summary>
public sealed class DormandPrince45<T> : ILaneMethod where T : struct, ILane<T>
{
    // The nodes c_i are not needed: the gradient flow does not depend on time.
    private const double A21 = 1.0 / 5;
    private const double A31 = 3.0 / 40, A32 = 9.0 / 40;
    private const double A41 = 44.0 / 45, A42 = -56.0 / 15, A43 = 32.0 / 9;
    private const double A51 = 19372.0 / 6561, A52 = -25360.0 / 2187, A53 = 64448.0 / 6561, A54 = -212.0 / 729;
    private const double A61 = 9017.0 / 3168, A62 = -355.0 / 33, A63 = 46732.0 / 5247, A64 = 49.0 / 176, A65 = -5103.0 / 18656;
    private const double B1 = 35.0 / 384, B3 = 500.0 / 1113, B4 = 125.0 / 192, B5 = -2187.0 / 6784, B6 = 11.0 / 84;
    // Error weights b − b̂.
    private const double E1 = 71.0 / 57600, E3 = -71.0 / 16695, E4 = 71.0 / 1920, E5 = -17253.0 / 339200, E6 = 22.0 / 525, E7 = -1.0 / 40;

    private readonly LossGradientKernel<T> _gradient;
    private readonly LossGradientKernel<ScalarLane> _single;
    private readonly GradientFlowSettings _settings;
    private readonly int _n;
    private AlignedBuffer _y, _k1, _k7, _yn;     // swapped on full acceptance
    private readonly AlignedBuffer _k2, _k3, _k4, _k5, _k6, _ys;
    private readonly double[] _errLanes = new double[T.Width], _lossLanes = new double[T.Width], _gLanes = new double[T.Width],
        _badLanes = new double[T.Width], _acceptLanes = new double[T.Width];
    private readonly double[] _one, _oneF, _oneStage, _oneF1;
    private readonly double[] _hLanes = new double[T.Width];
    private readonly Lane[] _lanes = new Lane[T.Width];
    private readonly double _hMin;
    private readonly double[]? _stiffLanes;   // auto: h·λ of the last step per lane (null: dp45, never tested)

    private struct Lane
    {
        public double H;
        public bool RejectedLast;
        public bool Fresh;         // loaded, its first step size not chosen yet
        public int Stiff, NonStiff;   // auto: accepted steps with h·λ > 3.25 (reset after 6 without)
    }

    /// <summary>
    /// auto hands a trajectory over (<see cref="LaneEvent.HandOff"/>) once h·λ > <see cref="StiffStepBound"/> at this
    /// many accepted steps, unless <see cref="NonStiffReset"/> steps without it came between (DOPRI5's test: 15 and 6).
    /// </summary>
    public const int StiffSteps = 15, NonStiffReset = 6;

    /// <summary>h·λ beyond which a Dormand–Prince step is stability-limited (its stability interval is ≈ 3.3).</summary>
    public const double StiffStepBound = 3.25;

    public DormandPrince45(LinearNetworkProblem problem, GradientFlowSettings settings)
    {
        _gradient = problem.NewKernel<T>();
        _single = problem.NewKernel<ScalarLane>();
        _settings = settings;
        _hMin = 1e-14 * Math.Max(1, settings.TMax);   // without a horizon: relative to the lane's own time (Report)
        if (settings.Integrator == FlowIntegrator.Auto) _stiffLanes = new double[T.Width];
        _n = problem.Shape.ParameterCount;
        int size = _n * T.Width;
        _y = new(size); _k1 = new(size); _k2 = new(size); _k3 = new(size); _k4 = new(size);
        _k5 = new(size); _k6 = new(size); _k7 = new(size); _ys = new(size); _yn = new(size);
        _one = new double[_n]; _oneF = new double[_n]; _oneStage = new double[_n]; _oneF1 = new double[_n];
    }

    // The stages hold gradients g = −f; each update is y − Σ (h·a_j)·g_j, which is y + Σ (h·a_j)·f_j exactly
    // (negation is exact), without a pass to negate every stage. The sum is a chain of fused multiply-adds in stage
    // order, subtracted from y once (one rounding at the scale of y, as before; chaining onto y would add one per stage).
    private T Gradient(ReadOnlySpan<double> y, Span<double> g) => _gradient.Evaluate(y, g);

    private double GradientSingle(ReadOnlySpan<double> y, Span<double> g) => _single.Evaluate(y, g)[0];

    public int Width => T.Width;

    /// <inheritdoc/>
    public void PerformStep(ReadOnlySpan<LaneSlot> slots)
    {
        double tMax = _settings.TMax;
        int n = _n, width = T.Width;
        for (int l = 0; l < width; l++)
        {
            ref var lane = ref _lanes[l];
            bool active = slots[l].Index >= 0;
            if (active && slots[l].Time + lane.H > tMax) lane.H = tMax - slots[l].Time;
            _hLanes[l] = active ? lane.H : 0;
        }
        T h = T.FromLanes(_hLanes);
        T newLoss = Stages(h);
        var (errSq, gSq, bad) = ErrorNorms(h, T.Broadcast(_settings.AbsTol), T.Broadcast(_settings.RelTol), T.Broadcast(TrajectoryMonitor.DivergenceBound));
        if (_stiffLanes is not null) T.Store(_stiffLanes, 0, StiffnessRatio());

        T.Store(_errLanes, 0, errSq);
        T.Store(_lossLanes, 0, newLoss);
        T.Store(_gLanes, 0, gSq);
        T.Store(_badLanes, 0, bad);
        bool allAccept = true;
        for (int l = 0; l < width; l++)
        {
            double err = Math.Sqrt(_errLanes[l] / n);
            _errLanes[l] = double.IsFinite(err) ? err : 1e10;
            bool accept = slots[l].Index >= 0 && _errLanes[l] <= 1;
            _acceptLanes[l] = accept ? BitConverter.Int64BitsToDouble(-1) : 0;
            allAccept &= accept || slots[l].Index < 0;
        }
        // FSAL: the accepted y_new and its gradient become the next step's y and first stage.
        if (allAccept)
        {
            (_y, _yn) = (_yn, _y);
            (_k1, _k7) = (_k7, _k1);
        }
        else
        {
            Span<double> y = _y, k1 = _k1, k7 = _k7, yn = _yn;
            T accept = T.Load(_acceptLanes, 0);
            for (int e = 0; e < n; e++)
            {
                T.Store(y, e, T.Select(accept, T.Load(yn, e), T.Load(y, e)));
                T.Store(k1, e, T.Select(accept, T.Load(k7, e), T.Load(k1, e)));
            }
        }
    }

    /// <inheritdoc/>
    public LaneEvent Report(int l, ref LaneSlot slot)
    {
        ref var lane = ref _lanes[l];
        slot.Evaluations += 6;
        double err = _errLanes[l];
        if (err <= 1)
        {
            double tMax = _settings.TMax;
            slot.Time = lane.H >= tMax - slot.Time ? tMax : slot.Time + lane.H;
            slot.Steps++;
            slot.Loss = _lossLanes[l];
            slot.GradientNorm = Math.Sqrt(_gLanes[l]);
            slot.Diverging = _badLanes[l] != 0;
            if (_stiffLanes is not null && Stiff(ref lane, _stiffLanes[l]))
            {
                // The step the controller would take next goes with the trajectory (Continue would have set it).
                slot.Step = lane.H * GrowthFactor(lane, err);
                return LaneEvent.HandOff;
            }
            return LaneEvent.Accepted;
        }
        lane.H *= Math.Clamp(ControllerFactor(err), 0.2, 1);
        lane.RejectedLast = true;
        // The step size collapsed: the solution is blowing up.
        return lane.H < (double.IsFinite(_settings.TMax) ? _hMin : 1e-14 * Math.Max(1, slot.Time)) ? LaneEvent.Failed : LaneEvent.None;
    }

    /// <summary>Hairer's stiffness test on one accepted step's h·λ; true when the trajectory should go to the implicit method.</summary>
    private static bool Stiff(ref Lane lane, double hLambda)
    {
        if (hLambda > StiffStepBound)
        {
            lane.NonStiff = 0;
            return ++lane.Stiff >= StiffSteps;
        }
        if (++lane.NonStiff >= NonStiffReset) lane.Stiff = 0;
        return false;
    }

    /// <summary>
    /// Per lane, h·λ ≈ ||f(y_new) − f(y₆)|| / ||(y_new − y₆)/h|| (DOPRI5's estimate of the stiffness along the step, from
    /// the last two stages; y₆ is stage 6's argument): y_new − y₆ = −h Σ_j (b_j − a_6j) g_j, so h cancels.
    /// </summary>
    private T StiffnessRatio()
    {
        ReadOnlySpan<double> k1 = _k1, k2 = _k2, k3 = _k3, k4 = _k4, k5 = _k5, k6 = _k6, k7 = _k7;
        T c1 = T.Broadcast(B1 - A61), c2 = T.Broadcast(-A62), c3 = T.Broadcast(B3 - A63), c4 = T.Broadcast(B4 - A64),
            c5 = T.Broadcast(B5 - A65), c6 = T.Broadcast(B6);
        T num = T.Zero, den = T.Zero;
        for (int e = 0; e < _n; e++)
        {
            T dk = T.Load(k7, e) - T.Load(k6, e);
            T dy = T.MultiplyAdd(c6, T.Load(k6, e), T.MultiplyAdd(c5, T.Load(k5, e), T.MultiplyAdd(c4, T.Load(k4, e),
                T.MultiplyAdd(c3, T.Load(k3, e), T.MultiplyAdd(c2, T.Load(k2, e), c1 * T.Load(k1, e))))));
            num = T.MultiplyAdd(dk, dk, num);
            den = T.MultiplyAdd(dy, dy, den);
        }
        return T.Sqrt(num / den);
    }

    /// <inheritdoc/>
    public void Continue(int l, ref LaneSlot slot)
    {
        ref var lane = ref _lanes[l];
        if (lane.Fresh)
        {
            // _one and _oneF still hold what Load put there: the driver only started the monitor in between.
            long evals = slot.Evaluations;
            lane.H = InitialStep(_one, _oneF, ref evals);
            slot.Evaluations = evals;
            lane.Fresh = false;
            return;
        }
        lane.H *= GrowthFactor(lane, _errLanes[l]);
        lane.RejectedLast = false;
    }

    /// <summary>The controller's factor for the step after an accepted one: within [0.2, 10], at most 1 right after a rejection.</summary>
    private static double GrowthFactor(in Lane lane, double err)
    {
        double fac = Math.Clamp(ControllerFactor(err), 0.2, 10);
        return lane.RejectedLast ? Math.Min(fac, 1) : fac;
    }

    public LaneWeights Weights(int l) => new(_y, T.Width, l);

    // The coefficients as data, not literals: a literal becomes a memory operand in every loop iteration, and these
    // loops are bound by loads; read once per loop they stay in registers (the same operations, the same results).
    private static readonly double[] Tableau =
    [
        A21, A31, A32, A41, A42, A43, A51, A52, A53, A54, A61, A62, A63, A64, A65,
        B1, B3, B4, B5, B6, E1, E3, E4, E5, E6, E7,
    ];

    /// <summary>Stages 2–7 of one step for every lane (own method: fewer live values, better registers). Returns L(y_new).</summary>
    private T Stages(T h)
    {
        Span<double> y = _y, k1 = _k1, k2 = _k2, k3 = _k3, k4 = _k4, k5 = _k5, k6 = _k6, k7 = _k7, ys = _ys, yn = _yn;
        var c = Tableau.AsSpan(0, 26);
        // h·a_ij once per step (per lane): y − Σ (h·a_ij)·k_j needs one multiply per element and stage fewer than y − h·Σ a_ij·k_j.
        Stage2(ys, y, k1, h * T.Broadcast(c[0]));
        Gradient(ys, k2);
        Stage3(ys, y, k1, k2, h * T.Broadcast(c[1]), h * T.Broadcast(c[2]));
        Gradient(ys, k3);
        Stage4(ys, y, k1, k2, k3, h * T.Broadcast(c[3]), h * T.Broadcast(c[4]), h * T.Broadcast(c[5]));
        Gradient(ys, k4);
        Stage5(ys, y, k1, k2, k3, k4, h * T.Broadcast(c[6]), h * T.Broadcast(c[7]), h * T.Broadcast(c[8]), h * T.Broadcast(c[9]));
        Gradient(ys, k5);
        Stage6(ys, y, k1, k2, k3, k4, k5, h * T.Broadcast(c[10]), h * T.Broadcast(c[11]), h * T.Broadcast(c[12]), h * T.Broadcast(c[13]), h * T.Broadcast(c[14]));
        Gradient(ys, k6);
        Solution(yn, ys, y, k1, k3, k4, k5, k6, h, c);
        return Gradient(yn, k7);
    }

    // The stage updates, each its own method: inside Stages, whose buffers live across the gradient calls, the JIT kept
    // them in the few callee-saved registers and reloaded most buffer addresses from the stack in every iteration.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Stage2(Span<double> ys, ReadOnlySpan<double> y, ReadOnlySpan<double> k1, T a21)
    {
        for (int e = 0; e < y.Length / T.Width; e++) T.Store(ys, e, T.Load(y, e) - a21 * T.Load(k1, e));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Stage3(Span<double> ys, ReadOnlySpan<double> y, ReadOnlySpan<double> k1, ReadOnlySpan<double> k2, T a31, T a32)
    {
        for (int e = 0; e < y.Length / T.Width; e++) T.Store(ys, e, T.Load(y, e) - T.MultiplyAdd(a32, T.Load(k2, e), a31 * T.Load(k1, e)));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Stage4(Span<double> ys, ReadOnlySpan<double> y, ReadOnlySpan<double> k1, ReadOnlySpan<double> k2, ReadOnlySpan<double> k3, T a41, T a42, T a43)
    {
        for (int e = 0; e < y.Length / T.Width; e++) T.Store(ys, e, T.Load(y, e) - T.MultiplyAdd(a43, T.Load(k3, e), T.MultiplyAdd(a42, T.Load(k2, e), a41 * T.Load(k1, e))));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Stage5(Span<double> ys, ReadOnlySpan<double> y, ReadOnlySpan<double> k1, ReadOnlySpan<double> k2, ReadOnlySpan<double> k3, ReadOnlySpan<double> k4, T a51, T a52, T a53, T a54)
    {
        for (int e = 0; e < y.Length / T.Width; e++) T.Store(ys, e, T.Load(y, e) - T.MultiplyAdd(a54, T.Load(k4, e), T.MultiplyAdd(a53, T.Load(k3, e), T.MultiplyAdd(a52, T.Load(k2, e), a51 * T.Load(k1, e)))));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Stage6(Span<double> ys, ReadOnlySpan<double> y, ReadOnlySpan<double> k1, ReadOnlySpan<double> k2, ReadOnlySpan<double> k3, ReadOnlySpan<double> k4, ReadOnlySpan<double> k5, T a61, T a62, T a63, T a64, T a65)
    {
        for (int e = 0; e < y.Length / T.Width; e++) T.Store(ys, e, T.Load(y, e) - T.MultiplyAdd(a65, T.Load(k5, e), T.MultiplyAdd(a64, T.Load(k4, e), T.MultiplyAdd(a63, T.Load(k3, e), T.MultiplyAdd(a62, T.Load(k2, e), a61 * T.Load(k1, e))))));
    }

    /// <summary>y_new, and in <paramref name="ys"/> (free now) the part of the error sum that does not need k7 — the same sum, in the same order.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Solution(Span<double> yn, Span<double> ys, ReadOnlySpan<double> y, ReadOnlySpan<double> k1, ReadOnlySpan<double> k3, ReadOnlySpan<double> k4, ReadOnlySpan<double> k5, ReadOnlySpan<double> k6, T h, ReadOnlySpan<double> c)
    {
        T b1 = h * T.Broadcast(c[15]), b3 = h * T.Broadcast(c[16]), b4 = h * T.Broadcast(c[17]), b5 = h * T.Broadcast(c[18]), b6 = h * T.Broadcast(c[19]);
        T e1 = T.Broadcast(c[20]), e3 = T.Broadcast(c[21]), e4 = T.Broadcast(c[22]), e5 = T.Broadcast(c[23]), e6 = T.Broadcast(c[24]);
        for (int e = 0; e < y.Length / T.Width; e++)
        {
            T g1 = T.Load(k1, e), g3 = T.Load(k3, e), g4 = T.Load(k4, e), g5 = T.Load(k5, e), g6 = T.Load(k6, e);
            T.Store(yn, e, T.Load(y, e) - T.MultiplyAdd(b6, g6, T.MultiplyAdd(b5, g5, T.MultiplyAdd(b4, g4, T.MultiplyAdd(b3, g3, b1 * g1)))));
            T.Store(ys, e, T.MultiplyAdd(e6, g6, T.MultiplyAdd(e5, g5, T.MultiplyAdd(e4, g4, T.MultiplyAdd(e3, g3, e1 * g1)))));
        }
    }

    /// <summary>Per lane: the squared error norm, the squared gradient norm at y_new, and a mask of non-finite or exploding weights.</summary>
    private (T ErrSq, T GSq, T Bad) ErrorNorms(T h, T atolV, T rtolV, T bound)
    {
        int n = _n;
        ReadOnlySpan<double> y = _y, k7 = _k7, ys = _ys, yn = _yn;
            // Per-lane error norm, gradient norm and divergence test, each summed in element order.
            T errSq = T.Zero, gSq = T.Zero, bad = T.Zero;
            T e7 = T.Broadcast(Tableau[25]), allOnes = T.Broadcast(BitConverter.Int64BitsToDouble(-1));
            for (int e = 0; e < n; e++)
            {
                T ye = T.Load(y, e), yne = T.Load(yn, e), k7e = T.Load(k7, e);
                T err = h * T.MultiplyAdd(e7, k7e, T.Load(ys, e));
                T sc = T.MultiplyAdd(rtolV, T.Max(T.Abs(ye), T.Abs(yne)), atolV);
                T r = err / sc;
                errSq = T.MultiplyAdd(r, r, errSq);
                gSq = T.MultiplyAdd(k7e, k7e, gSq);
                bad = T.Or(bad, T.AndNot(allOnes, T.LessOrEqual(T.Abs(yne), bound)));
            }
        return (errSq, gSq, bad);
    }

    /// <summary>
    /// 0.9·err^{-1/5}, the step-size factor. Outside [6e-6, 2e3] the clamp to [0.2, 10] decides anyway; inside, the fifth
    /// root comes from an exponent-halving seed and four Newton steps on y⁵·err = 1 (relative error below 1e-9), which
    /// costs a few multiplications instead of a call to pow on every lane and step.
    /// </summary>
    internal static double ControllerFactor(double err)
    {
        if (!(err >= 6e-6)) return 10;
        if (err > 2e3) return 0.2;
        double y = BitConverter.Int64BitsToDouble(0x4CB9999999999800L - BitConverter.DoubleToInt64Bits(err) / 5);
        for (int i = 0; i < 4; i++)
        {
            double y2 = y * y;
            y = y * (6 - err * (y2 * y2 * y)) * 0.2;
        }
        return 0.9 * y;
    }

    /// <summary>
    /// Loads a trajectory into lane <paramref name="l"/>: its first evaluation (and, in <see cref="Continue"/>, its
    /// starting step) use the one-lane kernel, the same arithmetic; the driver starts the monitor on it at once.
    /// </summary>
    public LaneEvent Load(int l, int index, ReadOnlySpan<double> weights, ref LaneSlot slot)
    {
        Span<double> w = _one, f = _oneF;
        weights.CopyTo(w);
        slot.Loss = GradientSingle(w, f);
        slot.GradientNorm = Dense.Norm(f);
        slot.Evaluations = 1;
        slot.Diverging = !Dense.AllFiniteAndBounded(w, TrajectoryMonitor.DivergenceBound);
        _lanes[l].RejectedLast = false;
        _lanes[l].Fresh = true;
        _lanes[l].Stiff = _lanes[l].NonStiff = 0;
        LaneWeights.Store(_y, T.Width, l, _one);
        LaneWeights.Store(_k1, T.Width, l, _oneF);
        return LaneEvent.Started;
    }

    /// <summary>An idle lane integrates zeros (finite, harmless) until the batch ends.</summary>
    public void Clear(int l)
    {
        LaneWeights.Clear(_y, T.Width, l, _n);
        LaneWeights.Clear(_k1, T.Width, l, _n);
    }

    /// <summary>
    /// Hairer, Nørsett &amp; Wanner's starting step (one extra evaluation), for one trajectory. The fifth root is
    /// <see cref="IeeeMath.FifthRoot"/>, not Math.Pow, so that the step (and the whole trajectory) is the same bits on
    /// every machine.
    /// </summary>
    private double InitialStep(ReadOnlySpan<double> y, ReadOnlySpan<double> f0, ref long evals)
    {
        double rtol = _settings.RelTol, atol = _settings.AbsTol, tMax = _settings.TMax;
        int n = y.Length;
        double d0 = 0, d1 = 0;
        for (int i = 0; i < n; i++)
        {
            double sc = atol + rtol * Math.Abs(y[i]);
            d0 += (y[i] / sc) * (y[i] / sc);
            d1 += (f0[i] / sc) * (f0[i] / sc);
        }
        d0 = Math.Sqrt(d0 / n); d1 = Math.Sqrt(d1 / n);
        double h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
        h0 = Math.Min(h0, tMax);
        Span<double> y1 = _oneStage, f1 = _oneF1;
        for (int i = 0; i < n; i++) y1[i] = y[i] - h0 * f0[i];
        GradientSingle(y1, f1);
        evals++;
        double d2 = 0;
        for (int i = 0; i < n; i++)
        {
            double sc = atol + rtol * Math.Abs(y[i]);
            double e = (f1[i] - f0[i]) / sc;
            d2 += e * e;
        }
        d2 = Math.Sqrt(d2 / n) / h0;
        double h1 = Math.Max(d1, d2) <= 1e-15 ? Math.Max(1e-6, h0 * 1e-3) : IeeeMath.FifthRoot(0.01 / Math.Max(d1, d2));
        double h = Math.Min(100 * h0, h1);
        return double.IsFinite(h) && h > 0 ? Math.Min(h, tMax) : 1e-6;
    }
}
