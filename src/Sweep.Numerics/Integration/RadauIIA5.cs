using Sweep.Numerics.Kernels;
using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Integration;

/// <summary>
/// Gradient flow dW/dt = −∇L(W) by the 3-stage Radau IIA method (order 5, L-stable, stiffly accurate): Hairer and
/// Wanner's RADAU5 (Solving ODEs II, IV.8; radau5.f) for one trajectory, with its simplified Newton iteration in the
/// transformed variables, its error estimate filtered through (γ₀/h − J)⁻¹, its predictive (Gustafsson) step-size
/// controller and its Jacobian-reuse rule, and with the exact Jacobian J = −∇²L in tridiagonal form
/// (<see cref="TridiagonalJacobian"/>). Where RADAU5 factorises the real and the complex n×n systems, here both are
/// tridiagonal in one orthogonal basis, so a new step size needs only an O(n) factorisation and the step always takes
/// the controller's proposal. Stepping differs from RADAU5's defaults in one documented way: the Jacobian is reused while
/// the Newton iteration contracts at θ ≤ 0.1 (RADAU5's advice when Jacobians are costly; its default is 0.001).
/// <para>
/// Escape along negative curvature (docs/math.md, Stiffness). An L-stable method damps every mode for large h·|λ|,
/// including a growing one: with a step far beyond 1/|λ_min| it would hold a trajectory at a strict saddle that it
/// should leave. So the step is also bounded by h ≤ 1/|λ_min| whenever the last Hessian had a negative eigenvalue
/// λ_min; local error control does the rest (at the origin with H ≥ 2 the Hessian vanishes and the escape is
/// polynomial, which error control alone resolves).
/// </para>
/// <para>
/// Pure and deterministic: plain IEEE arithmetic in a fixed order (no platform pow: roots by <see cref="IeeeMath"/>),
/// so a trajectory is the same bits whatever the lane width, worker or machine. One instance per thread; it owns its
/// buffers and allocates nothing per step.
/// </para>
/// </summary>
public sealed class RadauIIA5
{
    // Radau IIA (order 5) in RADAU5's transformed form: nodes c1, c2, 1; eigenvalues of A⁻¹: γ = 1/u1 and α ± iβ.
    private static readonly double Sq6 = Math.Sqrt(6);
    private static readonly double C1 = (4 - Sq6) / 10, C2 = (4 + Sq6) / 10, C1M1 = C1 - 1, C2M1 = C2 - 1, C1MC2 = C1 - C2;
    private static readonly double Dd1 = -(13 + 7 * Sq6) / 3, Dd2 = (-13 + 7 * Sq6) / 3, Dd3 = -1.0 / 3;
    private static readonly double U1, Alph, Beta;
    private const double T11 = 9.1232394870892942792e-02, T12 = -0.14125529502095420843, T13 = -3.0029194105147424492e-02;
    private const double T21 = 0.24171793270710701896, T22 = 0.20412935229379993199, T23 = 0.38294211275726193779;
    private const double T31 = 0.96604818261509293619;
    private const double Ti11 = 4.3255798900631553510, Ti12 = 0.33919925181580986954, Ti13 = 0.54177053993587487119;
    private const double Ti21 = -4.1787185915519047273, Ti22 = -0.32768282076106238708, Ti23 = 0.47662355450055045196;
    private const double Ti31 = -0.50287263494578687595, Ti32 = 2.5719269498556054292, Ti33 = -0.59603920482822492497;

    private static readonly RadauElementwise.Transform TInverse = new(Ti11, Ti12, Ti13, Ti21, Ti22, Ti23, Ti31, Ti32, Ti33);
    private static readonly RadauElementwise.Transform TForward = new(T11, T12, T13, T21, T22, T23, T31, 1, 0);
    private static readonly RadauElementwise.Collocation Collocation = new(C2M1, C1MC2, C1, C2, C1M1);

    private const int Nit = 7;                       // Newton iterations before an unexpected rejection
    private const double Thet = 0.1;                 // reuse the Jacobian while the Newton contraction θ ≤ this
    private const double Safe = 0.9, FacL = 5, FacR = 1.0 / 8;   // step factors: h_new/h ∈ [1/5, 8]
    private const double Uround = 1e-16;
    /// <summary>
    /// Networks with more parameters than this take the matrix-free path (<see cref="KrylovJacobian"/>: Hessian–vector
    /// products, deflated Lanczos, GMRES) instead of the dense Hessian's tridiagonal reduction (<see cref="TridiagonalJacobian"/>,
    /// O(n³) per Jacobian and n² memory).
    /// </summary>
    public const int DenseLimit = 600;

    /// <summary>h·|λ_min| ≤ this at a strict saddle, so that the escape is resolved (see the class summary).</summary>
    public const double CurvatureStepBound = 1;

    static RadauIIA5()
    {
        double c81 = IeeeMath.Root(81, 3), c9 = IeeeMath.Root(9, 3);
        double u1 = (6 + c81 - c9) / 30;
        double alph = (12 - c81 + c9) / 60;
        double beta = (c81 + c9) * Math.Sqrt(3) / 60;
        double cno = alph * alph + beta * beta;
        U1 = 1 / u1;
        Alph = alph / cno;
        Beta = beta / cno;
    }

    private readonly LossGradient _gradient;
    private readonly StageGradients _stages;
    private readonly IStageJacobian _jacobian;
    private readonly int _n;
    private readonly double _rtol, _atol, _fnewt, _tMax;
    private readonly long _maxSteps;
    private readonly double[] _y0, _scal, _z1, _z2, _z3, _f1, _f2, _f3, _c1, _c2, _c3, _ys, _g, _s1, _s2, _s3, _squares;

    /// <param name="rtol">The campaign's relative tolerance; RADAU5 maps (rtol, atol) to its own, 0.1·rtol^{2/3} (same ratio).</param>
    /// <param name="tMax">The horizon (+∞ for none).</param>
    /// <param name="maxSteps">Accepted steps after which an uncertified trajectory stops with status budget (long.MaxValue for none).</param>
    /// <param name="manifold">The suppressed modes' invariant manifold, which the steps must keep exactly (<see cref="TridiagonalJacobian"/>).</param>
    /// <param name="denseLimit">Networks with more parameters take the Krylov path (<see cref="DenseLimit"/>; lower in tests, to compare both paths).</param>
    public RadauIIA5(LinearNetworkProblem problem, double rtol, double atol, double tMax, long maxSteps, InvariantManifold? manifold = null,
        int denseLimit = DenseLimit)
    {
        _gradient = new LossGradient(problem);
        _stages = new StageGradients(problem);
        _n = problem.Shape.ParameterCount;
        double quot = atol / rtol;
        double r = IeeeMath.Root(rtol, 3);
        _rtol = 0.1 * r * r;
        _atol = _rtol * quot;
        _fnewt = Math.Max(10 * Uround / _rtol, Math.Min(0.03, Math.Sqrt(_rtol)));
        _tMax = tMax;
        _maxSteps = maxSteps;
        double[] New() => new double[_n];
        _y0 = New(); _scal = New(); _z1 = New(); _z2 = New(); _z3 = New(); _f1 = New(); _f2 = New(); _f3 = New();
        _c1 = New(); _c2 = New(); _c3 = New(); _ys = New(); _g = New(); _s1 = New(); _s2 = New(); _s3 = New(); _squares = New();
        // Inexact Newton beyond the dense limit: each linear solve to a relative residual of the Newton tolerance.
        _jacobian = _n > denseLimit ? new KrylovJacobian(problem, _scal, _fnewt, manifold) : new TridiagonalJacobian(problem, manifold);
    }

    /// <summary>Whether this instance solves its stage systems matrix-free (<see cref="KrylovJacobian"/>).</summary>
    public bool MatrixFree => _jacobian is KrylovJacobian;

    /// <summary>
    /// Continues one trajectory from <paramref name="state"/> (weights <paramref name="y"/>, updated in place) until its
    /// monitor stops it, the horizon or the step budget is reached, or the step size collapses (diverged: the flow
    /// cannot diverge, so this is a numerical failure). The monitor has seen every accepted state up to
    /// <c>state.Time</c>; <c>state.Step</c> is a proposed first step (≤ 0: a small default).
    /// </summary>
    private SampleStatus Integrate(Span<double> y, ref FlowState state, TrajectoryMonitor monitor)
    {
        int n = _n;
        Span<double> y0 = _y0, scal = _scal, z1 = _z1, z2 = _z2, z3 = _z3, f1 = _f1, f2 = _f2, f3 = _f3;
        Span<double> c1 = _c1, c2 = _c2, c3 = _c3;
        double t = state.Time;
        double h = state.Step > 0 ? state.Step : 1e-6;
        double hMin = 1e-14 * Math.Max(1, t);
        // f(y) = −∇L(y) at the start of the step (RADAU5's Y0), and the error scale.
        Evaluate(y, y0, ref state);
        Scale(y, scal);

        bool first = true, reject = false, needJacobian = true, fresh = false;
        double faccon = 1, theta = Thet, hold = h, hacc = 0, erracc = 0, hCurvature = double.PositiveInfinity;
        long accepted = 0;
        while (true)
        {
            if (needJacobian)
            {
                _jacobian.Update(y);
                state.Jacobians++;
                needJacobian = false;
                fresh = true;
                double lmin = _jacobian.MinEigenvalue;
                hCurvature = lmin < 0 ? CurvatureStepBound / -lmin : double.PositiveInfinity;
            }
            h = Math.Min(h, hCurvature);
            bool last = false;
            if (t + h >= _tMax) { h = _tMax - t; last = true; }
            if (!(h >= hMin)) return SampleStatus.Diverged;   // the step size collapsed (or became NaN)
            double fac1 = U1 / h, alphn = Alph / h, betan = Beta / h;

            // Starting values of the Newton iteration: zero at the first step, else the previous step's collocation
            // polynomial extrapolated (RADAU5's default).
            if (first)
            {
                z1.Clear(); z2.Clear(); z3.Clear(); f1.Clear(); f2.Clear(); f3.Clear();
            }
            else
            {
                double c3q = h / hold, c1q = C1 * c3q, c2q = C2 * c3q;
                var nodes = new RadauElementwise.Nodes(c1q, c1q - C2M1, c1q - C1M1, c2q, c2q - C2M1, c2q - C1M1, c3q, c3q - C2M1, c3q - C1M1);
                RadauElementwise.Extrapolate(nodes, TInverse, c1, c2, c3, z1, z2, z3, f1, f2, f3);
            }

            // Simplified Newton iteration.
            int newt = 0;
            faccon = IeeeMath.FifthRoot(Pow4(Math.Max(faccon, Uround)));   // faccon^0.8
            theta = Thet;
            double dynold = 0, thqold = 0;
            bool converged = false, retry = false;
            while (!converged)
            {
                if (newt >= Nit) { retry = true; break; }
                bool finite = _stages.Evaluate(y, z1, z2, z3);
                state.Evaluations += 3;
                if (!finite) { retry = true; break; }
                RadauElementwise.NewtonResidual(fac1, alphn, betan, TInverse, z1, z2, z3, f1, f2, f3);
                // E1 = γ/h − J = γ/h + ∇²L; E2 = (α + iβ)/h + ∇²L.
                _jacobian.SolveStages(fac1, alphn, betan, z1, z2, z3, _s1, _s2, _s3);
                newt++;
                double dyno = Math.Sqrt(RadauElementwise.ScaledSquares(z1, z2, z3, scal, _squares) / (3 * n));
                if (!double.IsFinite(dyno)) { retry = true; break; }
                if (newt > 1 && newt < Nit)
                {
                    double thq = dyno / dynold;
                    theta = newt == 2 ? thq : Math.Sqrt(thq * thqold);
                    thqold = thq;
                    if (theta < 0.99)
                    {
                        faccon = theta / (1 - theta);
                        double dyth = faccon * dyno * IntPow(theta, Nit - 1 - newt) / _fnewt;
                        if (dyth >= 1)
                        {
                            // Too slow to converge in the remaining iterations: a smaller step (RADAU5's estimate).
                            double qnewt = Math.Max(1e-4, Math.Min(20, dyth));
                            h *= 0.8 / IeeeMath.Root(qnewt, 4 + Nit - 1 - newt);
                            reject = true;
                            needJacobian = !fresh;
                            break;
                        }
                    }
                    else { retry = true; break; }
                }
                dynold = Math.Max(dyno, Uround);
                RadauElementwise.Accumulate(TForward, z1, z2, z3, f1, f2, f3);
                converged = faccon * dyno <= _fnewt;
            }
            if (retry)
            {
                // Unexpected rejection: halve the step; a new Jacobian unless the current one is fresh.
                h *= 0.5;
                reject = true;
                needJacobian = !fresh;
                continue;
            }
            if (!converged) continue;

            double err = ErrorEstimate(y, first || reject, h, fac1, ref state);
            double fac = Math.Min(Safe, Safe * (1 + 2 * Nit) / (newt + 2 * Nit));
            double quot = Math.Max(FacR, Math.Min(FacL, Math.Sqrt(Math.Sqrt(err)) / fac));
            double hnew = h / quot;
            if (err < 1)
            {
                first = false;
                accepted++;
                if (accepted > 1)
                {
                    double facgus = hacc / h * Math.Sqrt(Math.Sqrt(err * err / erracc)) / Safe;
                    facgus = Math.Max(FacR, Math.Min(FacL, facgus));
                    quot = Math.Max(quot, facgus);
                    hnew = h / quot;
                }
                hacc = h;
                erracc = Math.Max(1e-2, err);
                hold = h;
                t = last ? _tMax : t + h;
                RadauElementwise.Accept(Collocation, y, z1, z2, z3, c1, c2, c3);
                Scale(y, scal);
                Evaluate(y, y0, ref state);
                state.Steps++;
                state.Time = t;
                bool diverging = !double.IsFinite(state.GradNorm) || !Dense.AllFiniteAndBounded(y, TrajectoryMonitor.DivergenceBound);
                // The slope dL/dt = −‖∇L‖² lets the monitor interpolate crossings within these long steps by a cubic.
                if (monitor.Observe(t, state.Loss, state.GradNorm, diverging, new LaneWeights(y), slope: -state.GradNorm * state.GradNorm) is { } done) return done;
                if (state.Steps >= _maxSteps) return SampleStatus.Budget;
                if (reject) hnew = Math.Min(hnew, h);
                reject = false;
                h = hnew;
                state.Step = h;
                fresh = false;
                needJacobian = theta > Thet;
                hMin = 1e-14 * Math.Max(1, t);
            }
            else
            {
                reject = true;
                h = first ? h * 0.1 : hnew;
                needJacobian = !fresh;
            }
        }
    }

    /// <summary>
    /// Continues a trajectory handed over by an explicit method (<see cref="TrajectoryHandOff"/>): from the slot's
    /// accepted state, which the monitor has observed, with its counters, to its end; <paramref name="weights"/> ends
    /// holding the final weights.
    /// </summary>
    public IntegrationResult Continue(in LaneSlot slot, Span<double> weights, TrajectoryMonitor monitor)
    {
        if (weights.Length != _n) throw new ArgumentException($"{weights.Length} weights where the network has {_n} parameters", nameof(weights));
        var state = new FlowState { Time = slot.Time, Step = slot.Step, Loss = slot.Loss, GradNorm = slot.GradientNorm, Steps = slot.Steps, Evaluations = slot.Evaluations };
        long products = _jacobian.Products;
        var status = Integrate(weights, ref state, monitor);
        return monitor.Result(status, state.Time, state.Steps, state.Evaluations, state.Loss, state.GradNorm)
            with { HessianEvaluations = state.Jacobians, HessianVectorProducts = _jacobian.Products - products };
    }

    /// <summary>RADAU5's error estimate (ESTRAD): (γ/h + ∇²L)⁻¹ (f(y) + Σ (d_k/h) z_k), refined once through f after a rejection or at the first step.</summary>
    private double ErrorEstimate(ReadOnlySpan<double> y, bool refine, double h, double fac1, ref FlowState state)
    {
        int n = _n;
        Span<double> z1 = _z1, z2 = _z2, z3 = _z3, f2 = _f2, cont = _ys, y0 = _y0, scal = _scal, g = _g;
        double hee1 = Dd1 / h, hee2 = Dd2 / h, hee3 = Dd3 / h;
        RadauElementwise.ErrorRhs(hee1, hee2, hee3, z1, z2, z3, y0, f2, cont);
        _jacobian.SolveShifted(fac1, cont, _s1);
        double err = ScaledRms(cont, scal);
        if (err >= 1 && refine)
        {
            for (int i = 0; i < n; i++) _s2[i] = y[i] + cont[i];
            _gradient.Evaluate(_s2, g);
            state.Evaluations++;
            for (int i = 0; i < n; i++) cont[i] = f2[i] - g[i];
            _jacobian.SolveShifted(fac1, cont, _s1);
            err = ScaledRms(cont, scal);
        }
        return double.IsFinite(err) ? err : 1e10;
    }

    private double ScaledRms(ReadOnlySpan<double> x, ReadOnlySpan<double> scal) =>
        Math.Max(Math.Sqrt(RadauElementwise.ScaledSquares(x, scal, _squares) / x.Length), 1e-10);

    /// <summary>f(y) = −∇L(y) into <paramref name="f"/>; the loss and gradient norm into the state.</summary>
    private void Evaluate(ReadOnlySpan<double> y, Span<double> f, ref FlowState state)
    {
        double loss = _gradient.Evaluate(y, f);
        state.Evaluations++;
        state.Loss = loss;
        state.GradNorm = Dense.Norm(f);
        for (int i = 0; i < _n; i++) f[i] = -f[i];
    }

    private void Scale(ReadOnlySpan<double> y, Span<double> scal) => RadauElementwise.Scale(_atol, _rtol, y, scal);

    private static double Pow4(double x) => x * x * (x * x);

    private static double IntPow(double x, int k)
    {
        double p = 1;
        for (int i = 0; i < k; i++) p *= x;
        return p;
    }
}

/// <summary>
/// Where a flow trajectory stands between integrators: its time, the step the next integrator may try, its counters and
/// the loss and gradient norm at its current weights (which live in the caller's buffer).
/// </summary>
internal struct FlowState
{
    public double Time, Step, Loss, GradNorm;
    public long Steps, Evaluations, Jacobians;
}
