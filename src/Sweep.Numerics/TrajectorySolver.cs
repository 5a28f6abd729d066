using System.Runtime.Intrinsics;

namespace Sweep.Numerics;

/// <summary>
/// Solves samples end to end: draws initial weights from (seed, point, sample), integrates with the chosen dynamics,
/// classifies the final state and measures the invariant drift. One instance per thread (it owns the integrators'
/// workspaces); results are pure functions of (seed, point, sample), whichever entry point computes them.
/// </summary>
public sealed class TrajectorySolver
{
    private readonly LinearNetworkProblem _problem;
    private readonly GaussianInitializer _init;
    private readonly StopRule _stop;
    private readonly GradientFlowSettings? _flowSettings;
    private readonly DormandPrince45? _flow;
    private readonly GradientDescent? _descent;
    private readonly double[] _weights;
    private DormandPrince45<Vector256Lane>? _flowLanes4;
    private DormandPrince45<Vector512Lane>? _flowLanes8;

    public TrajectorySolver(LinearNetworkProblem problem, GaussianInitializer init, Dynamics dynamics, StopRule stop)
    {
        _problem = problem;
        _init = init;
        _stop = stop;
        switch (dynamics)
        {
            case GradientFlowSettings f: _flowSettings = f; _flow = new DormandPrince45(problem, f); break;
            case GradientDescentSettings d: _descent = new GradientDescent(new LossGradient(problem), d); break;
            default: throw new ArgumentException($"unknown dynamics {dynamics}", nameof(dynamics));
        }
        _weights = problem.NewParameters();
    }

    /// <summary>Trajectories per SIMD instruction in <see cref="SolveMany"/>: 8 with AVX-512, 4 with AVX2, else 1.</summary>
    public static int Lanes => Vector512.IsHardwareAccelerated ? 8 : Vector256.IsHardwareAccelerated ? 4 : 1;

    /// <summary>The final weights of the last <see cref="Solve"/> or <see cref="SolveFromWeights"/>.</summary>
    public ReadOnlySpan<double> FinalWeights => _weights;

    public SampleResult Solve(long seed, int point, long sample, bool trace = false)
    {
        _init.Draw(_problem, seed, point, sample, _weights);
        return SolveFrom(point, sample, trace);
    }

    /// <summary>Integrates from the given weights (copied), for tests and controlled starts.</summary>
    public SampleResult SolveFromWeights(ReadOnlySpan<double> initial, int point = 0, long sample = 0, bool trace = false)
    {
        initial.CopyTo(_weights);
        return SolveFrom(point, sample, trace);
    }

    /// <summary>
    /// Samples firstSample..firstSample+count−1 of a point, in sample order; samples below <paramref name="traceBelow"/>
    /// are traced. Gradient flow runs four trajectories per SIMD lane set when the hardware allows; the results are
    /// bitwise those of <see cref="Solve"/>.
    /// </summary>
    public SampleResult[] SolveMany(long seed, int point, long firstSample, int count, long traceBelow = 0, int lanes = 0)
    {
        lanes = lanes == 0 ? Lanes : lanes;
        var results = new SampleResult[count];
        if (_flowSettings is null || lanes == 1)
        {
            for (int i = 0; i < count; i++) results[i] = Solve(seed, point, firstSample + i, firstSample + i < traceBelow);
            return results;
        }
        if (lanes == 8) RunLanes(_flowLanes8 ??= new DormandPrince45<Vector512Lane>(_problem, _flowSettings), seed, point, firstSample, count, traceBelow, results);
        else if (lanes == 4) RunLanes(_flowLanes4 ??= new DormandPrince45<Vector256Lane>(_problem, _flowSettings), seed, point, firstSample, count, traceBelow, results);
        else throw new ArgumentOutOfRangeException(nameof(lanes), "lanes must be 1, 4 or 8");
        return results;
    }

    private void RunLanes<T>(DormandPrince45<T> integrator, long seed, int point, long firstSample, int count, long traceBelow, SampleResult[] results)
        where T : struct, ILane<T>
    {
        var initialInvariants = new double[count][];
        var traces = new TraceRecorder?[count];
        integrator.Run(count, _stop,
            (i, w) =>
            {
                _init.Draw(_problem, seed, point, firstSample + i, w);
                initialInvariants[i] = Invariants.Compute(_problem.Shape, w);
                return traces[i] = firstSample + i < traceBelow ? new TraceRecorder() : null;
            },
            (int i, in IntegrationOutcome outcome, ReadOnlySpan<double> w) => results[i] = Result(point, firstSample + i, outcome, initialInvariants[i], w, traces[i]));
    }

    private SampleResult SolveFrom(int point, long sample, bool trace)
    {
        Span<double> w = _weights;
        var d0 = Invariants.Compute(_problem.Shape, w);
        var recorder = trace ? new TraceRecorder() : null;
        var outcome = _flow is not null ? _flow.Integrate(w, _stop, recorder) : _descent!.Integrate(w, _stop, recorder);
        return Result(point, sample, outcome, d0, w, recorder);
    }

    private SampleResult Result(int point, long sample, in IntegrationOutcome outcome, double[] initialInvariants, ReadOnlySpan<double> final, TraceRecorder? trace)
    {
        string label = "";
        double critical = double.NaN, drift = double.NaN;
        if (outcome.Status != SampleStatus.Diverged)
        {
            var c = Classifier.Classify(_problem, final, outcome.Loss);
            label = c.Label;
            critical = c.CriticalValue;
            drift = Invariants.Drift(_problem.Shape, initialInvariants, Invariants.Compute(_problem.Shape, final));
        }
        return new SampleResult(point, sample, outcome.Status, label, outcome.Loss, critical, outcome.Time, outcome.HitTime,
            outcome.Steps, outcome.GradientEvaluations, outcome.GradientNorm, drift)
        { Trace = trace?.ToList() };
    }
}
