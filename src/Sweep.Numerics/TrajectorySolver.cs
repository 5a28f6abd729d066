namespace Sweep.Numerics;

/// <summary>
/// Solves one sample end to end: draws its initial weights from (seed, point, sample), integrates with the chosen
/// dynamics, classifies the final state and measures the invariant drift. One instance per thread (it owns the
/// integrator's workspace); <see cref="Solve"/> is a pure function of its arguments.
/// </summary>
public sealed class TrajectorySolver
{
    private readonly LinearNetworkProblem _problem;
    private readonly GaussianInitializer _init;
    private readonly StopRule _stop;
    private readonly DormandPrince45? _flow;
    private readonly GradientDescent? _descent;
    private readonly double[] _weights;

    public TrajectorySolver(LinearNetworkProblem problem, GaussianInitializer init, Dynamics dynamics, StopRule stop)
    {
        _problem = problem;
        _init = init;
        _stop = stop;
        var gradient = new LossGradient(problem);
        switch (dynamics)
        {
            case GradientFlowSettings f: _flow = new DormandPrince45(gradient, f); break;
            case GradientDescentSettings d: _descent = new GradientDescent(gradient, d); break;
            default: throw new ArgumentException($"unknown dynamics {dynamics}", nameof(dynamics));
        }
        _weights = problem.NewParameters();
    }

    /// <summary>The final weights of the last <see cref="Solve"/>.</summary>
    public ReadOnlySpan<double> FinalWeights => _weights;

    public SampleResult Solve(long seed, int point, long sample, bool trace = false)
    {
        Span<double> w = _weights;
        _init.Draw(_problem, seed, point, sample, w);
        return SolveFrom(point, sample, trace);
    }

    /// <summary>Integrates from the given weights (copied), for tests and controlled starts.</summary>
    public SampleResult SolveFromWeights(ReadOnlySpan<double> initial, int point = 0, long sample = 0, bool trace = false)
    {
        initial.CopyTo(_weights);
        return SolveFrom(point, sample, trace);
    }

    private SampleResult SolveFrom(int point, long sample, bool trace)
    {
        Span<double> w = _weights;
        var shape = _problem.Shape;
        var d0 = Invariants.Compute(shape, w);
        var recorder = trace ? new TraceRecorder() : null;
        var outcome = _flow is not null ? _flow.Integrate(w, _stop, recorder) : _descent!.Integrate(w, _stop, recorder);
        string label = "";
        double critical = double.NaN, drift = double.NaN;
        if (outcome.Status != SampleStatus.Diverged)
        {
            var c = Classifier.Classify(_problem, w, outcome.Loss);
            label = c.Label;
            critical = c.CriticalValue;
            drift = Invariants.Drift(shape, d0, Invariants.Compute(shape, w));
        }
        return new SampleResult(point, sample, outcome.Status, label, outcome.Loss, critical, outcome.Time, outcome.HitTime,
            outcome.Steps, outcome.GradientEvaluations, outcome.GradientNorm, drift)
        { Trace = recorder?.ToList() };
    }
}
