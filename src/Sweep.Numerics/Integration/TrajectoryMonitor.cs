using Sweep.Numerics.Analysis;
using Sweep.Numerics.Kernels;
using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Integration;

/// <summary>
/// What is observed along one trajectory, what may be claimed of it and when it stops (docs/math.md, Outcomes and
/// certificates). The integrator reports every accepted state — time, loss, gradient norm, whether a weight is
/// non-finite or beyond <see cref="DivergenceBound"/>, and a view of the weights — and the monitor
/// <list type="number">
/// <item>records t_hit (first L − L_min ≤ eps_hit) and the trace;</item>
/// <item>certifies the outcome: <b>global</b> once L − L_min &lt; (L_2 − δ) − L_min (<see cref="CriticalValues.GlobalCertificateLevel"/>),
/// for the flow at any time (L is non-increasing and the limit is critical, Prop. 1) with t_global interpolated in time
/// between the accepted states that bracket the crossing, exactly like t_hit (<see cref="FirstCrossing"/>: on the cubic
/// Hermite interpolant of L where both states carry the slope dL/dt, as after implicit steps; linearly otherwise, as
/// after explicit ones); for a discrete method only at an iterate where the step-size condition holds
/// (<see cref="DescentStepCondition"/>: every later step then decreases L and the limit is critical; checked at the first
/// iterate below the level and 1, 2, 4, … iterations after), and otherwise only by the gradient test at the global
/// label (Z rule);
/// <b>saddle</b> on the invariant manifold of suppressed modes (<see cref="InvariantManifold"/>, entries still exactly
/// zero) once L − L_min &lt; (L′ − δ′) − L_min, L′ the manifold's second-lowest critical value
/// (<see cref="InvariantManifold.SaddleCertificateLevel"/>): L is non-increasing, so the limit is the manifold's best
/// label, a saddle (docs/math.md, Outcomes and certificates). No convergence is needed; the gradient test
/// is only a diagnostic there (and a discrete method certifies the same way only under the step-size condition);</item>
/// <item>for a method whose loss is not monotone (momentum, Nesterov, Adam: <c>lossCertificate: false</c>) only by
/// convergence: the gradient test at the global label, where the gradient test also requires the method's state to
/// be settled (the norm of its next step over η, <c>stateNorm</c>, within the same threshold ||∇L|| is held to);</item>
/// <item>records the itinerary when the analysis asks for it: the Z-rule label of every accepted state, kept as its
/// changes in an <see cref="ItineraryRecorder"/> (bounded, allocation-free). No debouncing: docs/math.md defines the
/// itinerary from the Z rule at accepted steps, so a label counts from the first accepted state that carries it;</item>
/// <item>measures the tail rate when the analysis asks for it: the exponential rate of L − L_min over the last
/// decade before the stop, from log-spaced checkpoints (<see cref="TailRateFit"/>, bounded, allocation-free);</item>
/// <item>stops it: diverged; else when the <see cref="Until"/> condition is met (status converged; with
/// <c>analysis.hessian = all</c> a certified trajectory runs on until the gradient test holds, so its Hessian is read at
/// the limit); else at the horizon. The gradient test alone never stops a trajectory.</item>
/// </list>
/// One per lane, reused for each trajectory the lane runs; it allocates nothing per step.
/// </summary>
public sealed class TrajectoryMonitor
{
    /// <summary>Weights beyond this magnitude count as diverged (integrators test it in their own passes over the weights).</summary>
    public const double DivergenceBound = StopRule.DivergenceBound;

    private readonly double _gradTol, _horizon, _epsHit, _minimum, _globalLevel, _saddleLevel;
    private readonly bool _flow, _lossCertificate;
    private readonly int _globalMask;
    private readonly Until _until;
    private readonly InvariantManifold? _manifold;
    private readonly LabelProbe? _probe;
    private readonly ItineraryRecorder? _itinerary;
    private readonly TailRateFit? _tail;
    private readonly int _manifoldMask;     // every mode but the suppressed ones: the best critical point on the manifold
    private FirstCrossing _hit, _global;
    private TraceRecorder? _trace;
    private readonly DescentStepCondition? _step;   // a discrete method's loss certificate holds only under it
    private StepCondition _stepState;
    private double _nextCheck, _checkInterval;
    private bool _gradientTest;
    private Outcome? _certified;
    private double? _globalTime;

    /// <param name="horizon">t_max (flow) or max_iters (descent): an uncertified trajectory stops when its time reaches it.</param>
    /// <param name="flow">
    /// True for the gradient flow (continuous time: crossing times are interpolated, the loss certificate holds at any
    /// time); false for a discrete method whose iteration count is its time (crossings at the iterate, the loss
    /// certificate only under the step-size condition).
    /// </param>
    /// <param name="manifold">The suppressed modes' invariant manifold, when the start lies on one with a structural certificate.</param>
    /// <param name="lossCertificate">
    /// False for a method whose loss may rise (momentum, Nesterov, Adam): L &lt; L_2 − δ then says nothing about the
    /// limit, so global is certified only by convergence (gradient and state tests at the global label).
    /// </param>
    /// <param name="analysis">Whether to record the itinerary and the tail rate (none by default).</param>
    /// <param name="stepCondition">
    /// For a discrete method with a loss certificate (plain descent): the step-size condition under which it holds
    /// (<see cref="DescentStepCondition"/>); without one a discrete method certifies only by convergence.
    /// </param>
    public TrajectoryMonitor(LinearNetworkProblem problem, StopRule stop, double horizon, bool flow, InvariantManifold? manifold, bool lossCertificate = true,
        AnalysisSettings? analysis = null, DescentStepCondition? stepCondition = null)
    {
        analysis ??= AnalysisSettings.Default;
        _lossCertificate = lossCertificate && (flow || stepCondition is not null);
        _step = flow || !lossCertificate ? null : stepCondition;
        _gradTol = stop.GradTolRel * problem.CyxNorm;
        _horizon = horizon;
        _epsHit = stop.EpsHit;
        // The Hessian of every sample is read at the limit where there is one: a certified sample runs on until the
        // gradient test holds (as under until = converged), an uncertified one to its horizon as always.
        _until = analysis.Hessian == HessianScope.All ? Until.Converged : stop.Until;
        var cv = problem.CriticalValues;
        _minimum = cv.GlobalMinimum;
        _globalLevel = cv.GlobalCertificateLevel;
        _globalMask = cv.GlobalMask;
        _flow = flow;
        _manifold = manifold;
        // Descent certifies also by its label (where the step-size condition fails); a suppressed-mode start needs its label too.
        _probe = flow && manifold is null && !analysis.Itinerary ? null : new LabelProbe(problem);
        _itinerary = analysis.Itinerary ? new ItineraryRecorder() : null;
        _tail = analysis.TailRate ? new TailRateFit(TailRateFit.Floor(cv)) : null;
        _manifoldMask = manifold is null ? 0 : manifold.Modes.Aggregate(_globalMask, (m, i) => m & ~(1 << i));
        _saddleLevel = manifold is null ? double.NegativeInfinity : InvariantManifold.SaddleCertificateLevel(cv, _manifoldMask);
    }

    /// <summary>First time with L − L_min ≤ eps_hit, null while not hit.</summary>
    public double? HitTime => _hit.Time;

    /// <summary>The certified outcome so far (<see cref="Outcome.Global"/> or <see cref="Outcome.Saddle"/>), null while uncertified.</summary>
    public Outcome? Certified => _certified;

    /// <summary>Starts a trajectory at time 0. Returns how it stops when it stops at once, else null.</summary>
    /// <param name="stateNorm">The norm of the method's next step over η when it differs from ∇L (0 for the flow and plain descent).</param>
    public SampleStatus? Start(double loss, double gradNorm, bool diverging, TraceRecorder? trace, LaneWeights weights, double stateNorm = 0)
    {
        _trace = trace;
        _certified = null;
        _globalTime = null;
        _stepState = StepCondition.NotChecked;
        _nextCheck = 0;
        _checkInterval = 1;
        _gradientTest = false;
        _hit = new FirstCrossing(_epsHit, _minimum, _flow, 0, loss);
        _global = new FirstCrossing(_globalLevel, _minimum, _flow, 0, loss, strict: true);
        if (_flow && _global.Time is { } t) Certify(Outcome.Global, t);
        CheckLossLevel(0, loss, weights);
        _trace?.Record(0, loss);
        _itinerary?.Start(_probe!.Mask(weights), 0);
        _tail?.Start(0, loss - _minimum);
        return Check(0, loss, gradNorm, stateNorm, diverging, weights);
    }

    /// <summary>An accepted state. Returns how the trajectory stops when it stops here, else null.</summary>
    /// <param name="slope">dL/dt at this state when the integrator gives it (−‖∇L‖² for the flow), for the crossing times' cubic interpolation; NaN otherwise.</param>
    public SampleStatus? Observe(double time, double loss, double gradNorm, bool diverging, LaneWeights weights, double stateNorm = 0, double slope = double.NaN)
    {
        _hit.Observe(time, loss, slope);
        if (_certified is null)
        {
            if (_flow)
            {
                _global.Observe(time, loss, slope);
                if (_global.Time is { } t) Certify(Outcome.Global, t);
            }
            CheckLossLevel(time, loss, weights);
        }
        _trace?.Record(time, loss);
        _itinerary?.Observe(_probe!.Mask(weights), time);
        _tail?.Observe(time, loss - _minimum);
        return Check(time, loss, gradNorm, stateNorm, diverging, weights);
    }

    /// <summary>The result of the trajectory that stopped with <paramref name="status"/> (the integrator's own counters beside it).</summary>
    public IntegrationResult Result(SampleStatus status, double time, long steps, long evaluations, double loss, double gradNorm)
    {
        var outcome = status == SampleStatus.Diverged ? Outcome.Diverged : _certified ?? Outcome.Unresolved;
        return new IntegrationResult(status, time, steps, evaluations, loss, gradNorm, _hit.Time, outcome,
            outcome == Outcome.Global ? _globalTime : null, outcome == Outcome.Diverged ? null : _itinerary?.ToItinerary(),
            outcome == Outcome.Diverged ? null : _tail?.Rate())
        {
            StepCondition = _stepState,
            AtLimit = outcome is Outcome.Global or Outcome.Saddle && _gradientTest,
        };
    }

    /// <summary>
    /// The loss certificates past the flow's global one: the structural saddle (on the manifold, below its
    /// second-lowest critical value) for the flow; for a discrete method both, and only where the step-size condition
    /// holds at this iterate. It is checked at the first iterate below a level and, while it fails, again 1, 2, 4, …
    /// iterations later (a cost of O(log k) checks); a discrete method whose condition never holds certifies only by
    /// convergence (<see cref="Check"/>).
    /// </summary>
    private void CheckLossLevel(double time, double loss, LaneWeights weights)
    {
        if (_certified is not null || !_lossCertificate) return;
        double gap = loss - _minimum;
        if (_flow)
        {
            if (gap < _saddleLevel && _manifold!.Contains(weights)) Certify(Outcome.Saddle, time);
            return;
        }
        bool global = gap < _globalLevel;
        if (!global && !(gap < _saddleLevel && _manifold!.Contains(weights))) return;
        if (time < _nextCheck) return;
        if (_step!.Holds(weights, gap))
        {
            _stepState = StepCondition.Held;
            Certify(global ? Outcome.Global : Outcome.Saddle, time);
        }
        else
        {
            _stepState = StepCondition.Failed;
            _nextCheck = time + _checkInterval;
            _checkInterval *= 2;
        }
    }

    private void Certify(Outcome outcome, double time)
    {
        _certified = outcome;
        if (outcome == Outcome.Global) _globalTime = time;
    }

    private SampleStatus? Check(double time, double loss, double gradNorm, double stateNorm, bool diverging, LaneWeights weights)
    {
        if (!double.IsFinite(loss) || diverging) return SampleStatus.Diverged;
        bool gradientTest = gradNorm <= _gradTol && stateNorm <= _gradTol;
        _gradientTest = gradientTest;
        if (_certified is null && gradientTest && !_flow)
        {
            // A discrete method certifies also by converging: at the global label, or on the manifold at its best
            // label (momentum, Adam and descent where the step-size condition did not hold rely on it). For the
            // flow a small gradient is only a diagnostic: it certifies by the loss (CheckLossLevel).
            int mask = _probe!.Mask(weights);
            if (_manifold is not null && _manifold.Contains(weights))
            {
                if (mask == _manifoldMask) Certify(Outcome.Saddle, time);
            }
            else if (mask == _globalMask) Certify(Outcome.Global, time);
        }
        bool done = _certified switch
        {
            null => false,
            Outcome.Saddle => _until != Until.Converged || gradientTest,
            _ => _until switch
            {
                Until.Certified => true,
                Until.Hit => _hit.Time is not null,
                _ => gradientTest,
            },
        };
        if (done) return SampleStatus.Converged;
        return time >= _horizon ? SampleStatus.Horizon : null;
    }
}
