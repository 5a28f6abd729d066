using System.Runtime.Intrinsics;
using Sweep.Numerics.Analysis;
using Sweep.Numerics.Integration;
using Sweep.Numerics.Kernels;
using Sweep.Numerics.Problems;
using Sweep.Numerics.Sampling;
using Sweep.Results;

namespace Sweep.Numerics;

/// <summary>
/// Solves samples end to end: draws initial weights from (seed, point, sample), integrates them with the integrator
/// the dynamics build for the problem, classifies the final state and measures the invariant drift. One instance per
/// thread (its integrator owns the workspaces); results are pure functions of (seed, point, sample), whichever entry
/// point computes them and whatever the lane width.
/// </summary>
public sealed class TrajectorySolver
{
    private readonly LinearNetworkProblem _problem;
    private readonly Initializer _init;
    private readonly IIntegrator _integrator;
    private readonly bool _divergenceIsFailure;
    private readonly double[] _weights;
    private readonly AnalysisSettings _analysis;
    private readonly Hessian? _hessian;
    private readonly double _hessianTolerance;
    private readonly double _cxxMin = double.NaN;   // λ_min(Cxx) when Proposition 2 applies (a flow on a pyramidal network), else NaN

    /// <param name="lanes">Trajectories per SIMD instruction: 1, 4 or 8; 0 for <see cref="Lanes"/>.</param>
    /// <param name="analysis">Optional analyses of each sample at the stop (none by default).</param>
    public TrajectorySolver(LinearNetworkProblem problem, Initializer init, Dynamics dynamics, StopRule stop, int lanes = 0, AnalysisSettings? analysis = null)
    {
        _problem = problem;
        _init = init;
        var manifold = init.Manifold(problem);
        _integrator = (lanes == 0 ? Lanes : lanes) switch
        {
            1 => dynamics.CreateIntegrator<ScalarLane>(problem, stop, manifold, analysis),
            4 => dynamics.CreateIntegrator<Vector256Lane>(problem, stop, manifold, analysis),
            8 => dynamics.CreateIntegrator<Vector512Lane>(problem, stop, manifold, analysis),
            _ => throw new ArgumentOutOfRangeException(nameof(lanes), "lanes must be 1, 4 or 8"),
        };
        _divergenceIsFailure = dynamics.DivergenceIsNumericalFailure;
        _weights = problem.NewParameters();
        _analysis = analysis ?? AnalysisSettings.Default;
        if (_analysis.Prop2 && !dynamics.Discrete && Proposition2.IsPyramidal(problem.Shape)) _cxxMin = Proposition2.CovarianceMin(problem);
        if (_analysis.Hessian != HessianScope.None)
        {
            _hessian = new Hessian(problem);
            _hessianTolerance = HessianSpectrum.ToleranceFor(problem);
        }
    }

    /// <summary>Trajectories per SIMD instruction by default: 8 with AVX-512, 4 with AVX2, else 1.</summary>
    public static int Lanes => Vector512.IsHardwareAccelerated ? 8 : Vector256.IsHardwareAccelerated ? 4 : 1;

    /// <summary>The final weights of the last <see cref="Solve"/> or <see cref="SolveFromWeights"/>.</summary>
    public ReadOnlySpan<double> FinalWeights => _weights;

    public SampleResult Solve(long seed, int point, long sample, bool trace = false)
    {
        _init.Draw(_problem, seed, point, sample, _weights);
        return SolveFrom(seed, point, sample, trace);
    }

    /// <summary>Integrates from the given weights (copied), for tests and controlled starts; a stochastic method draws its noise from (seed, point, sample).</summary>
    public SampleResult SolveFromWeights(ReadOnlySpan<double> initial, int point = 0, long sample = 0, bool trace = false, long seed = 0)
    {
        initial.CopyTo(_weights);
        return SolveFrom(seed, point, sample, trace);
    }

    /// <summary>
    /// Samples firstSample..firstSample+count−1 of a point, in sample order; samples below <paramref name="traceBelow"/>
    /// are traced. The integrator runs as many trajectories at once as it has lanes; the results are bitwise those of
    /// <see cref="Solve"/>.
    /// </summary>
    public SampleResult[] SolveMany(long seed, int point, long firstSample, int count, long traceBelow = 0) =>
        SolveRange(seed, point, firstSample, count, traceBelow, _init);

    /// <summary>As <see cref="SolveMany(long, int, long, int, long)"/>, drawn by another point's <paramref name="initializer"/> (one that may share this solver, <see cref="SolveFeed"/>).</summary>
    public SampleResult[] SolveMany(long seed, int point, long firstSample, int count, Initializer initializer, long traceBelow = 0) =>
        SolveRange(seed, point, firstSample, count, traceBelow, initializer);

    private SampleResult[] SolveRange(long seed, int point, long firstSample, int count, long traceBelow, Initializer init)
    {
        var results = new SampleResult[count];
        var initialInvariants = new double[count][];
        var traces = new TraceRecorder?[count];
        _integrator.Identify(seed, point, firstSample);
        _integrator.Run(count,
            (i, w) =>
            {
                init.Draw(_problem, seed, point, firstSample + i, w);
                initialInvariants[i] = Invariants.Compute(_problem.Shape, w);
                return traces[i] = firstSample + i < traceBelow ? new TraceRecorder() : null;
            },
            (int i, in IntegrationResult r, ReadOnlySpan<double> w) => results[i] = Result(point, firstSample + i, r, initialInvariants[i], w, traces[i]));
        return results;
    }

    /// <summary>
    /// Solves the batches <paramref name="feed"/> hands out through one set of lanes: a lane whose trajectory finishes
    /// takes the next sample of the current batch, or of the next batch once the current one is all drawn, so the last
    /// (slowest) samples of one shard run beside the first ones of the next instead of alone. A batch is reported
    /// complete when its last sample finishes. The feed is asked again whenever a lane is idle after a step, so a batch
    /// queued while the run goes on joins it; the call returns when every lane is idle and the feed has none. Each
    /// batch's samples must be of this solver's problem, dynamics, stop rule, analyses and invariant manifold (only
    /// the initializer may differ); their results are bitwise those of <see cref="Solve"/>.
    /// </summary>
    public void SolveFeed(ISampleFeed feed)
    {
        if (_integrator.Width == 1)
        {
            // One lane has nothing to fill, and a stochastic method names its trajectories per run (Identify).
            while (feed.Next() is { } b)
            {
                SolveRange(b.Seed, b.Point, b.FirstSample, b.Count, b.TraceBelow, b.Initializer).CopyTo(b.Results, 0);
                b.Drawn = b.Done = b.Count;
                feed.Drawn(b);
                feed.Completed(b);
            }
            return;
        }
        var tickets = new List<(SampleBatch Batch, int Offset, double[]? Invariants, TraceRecorder? Trace)>();
        var free = new Stack<int>();
        SampleBatch? current = null;
        _integrator.Run(
            () =>
            {
                while (current is null || current.Drawn == current.Count)
                {
                    current = feed.Next();
                    if (current is null) return -1;
                    if (current.Count == 0) { feed.Drawn(current); feed.Completed(current); }
                }
                int ticket;
                var entry = (current, current.Drawn++, (double[]?)null, (TraceRecorder?)null);
                if (free.Count > 0) tickets[ticket = free.Pop()] = entry;
                else { ticket = tickets.Count; tickets.Add(entry); }
                if (current.Drawn == current.Count) feed.Drawn(current);
                return ticket;
            },
            (ticket, w) =>
            {
                var (batch, offset, _, _) = tickets[ticket];
                long sample = batch.FirstSample + offset;
                batch.Initializer.Draw(_problem, batch.Seed, batch.Point, sample, w);
                var trace = sample < batch.TraceBelow ? new TraceRecorder() : null;
                tickets[ticket] = (batch, offset, Invariants.Compute(_problem.Shape, w), trace);
                return trace;
            },
            (int ticket, in IntegrationResult r, ReadOnlySpan<double> w) =>
            {
                var (batch, offset, invariants, trace) = tickets[ticket];
                tickets[ticket] = default;
                free.Push(ticket);
                batch.Results[offset] = Result(batch.Point, batch.FirstSample + offset, r, invariants!, w, trace);
                if (++batch.Done == batch.Count) feed.Completed(batch);
            });
    }

    /// <summary>Batch steps and the lane-steps that advanced a trajectory, since this solver was built (zeros for a one-trajectory integrator).</summary>
    public (long BatchSteps, long LaneSteps) Occupancy => _integrator is LaneDriver d ? (d.BatchSteps, d.LaneSteps) : (0, 0);

    /// <summary>Trajectories integrated at once.</summary>
    public int Width => _integrator.Width;

    private SampleResult SolveFrom(long seed, int point, long sample, bool trace)
    {
        var d0 = Invariants.Compute(_problem.Shape, _weights);
        var recorder = trace ? new TraceRecorder() : null;
        SampleResult? result = null;
        _integrator.Identify(seed, point, sample);
        _integrator.Run(1,
            (_, w) => { _weights.CopyTo(w); return recorder; },
            (int _, in IntegrationResult r, ReadOnlySpan<double> w) =>
            {
                w.CopyTo(_weights);
                result = Result(point, sample, r, d0, w, recorder);
            });
        return result!;
    }

    private SampleResult Result(int point, long sample, in IntegrationResult r, double[] initialInvariants, ReadOnlySpan<double> final, TraceRecorder? trace)
    {
        string label = "";
        double critical = double.NaN, drift = double.NaN;
        HessianSpectrum? hessian = null;
        if (r.Status != SampleStatus.Diverged)
        {
            var c = Classifier.Classify(_problem, final, r.Loss);
            label = c.Label;
            critical = c.CriticalValue;
            drift = Invariants.Drift(_problem.Shape, initialInvariants, Invariants.Compute(_problem.Shape, final));
            // At the limit where the sample converged (r.AtLimit: certified, gradient test held; with hessian = all the
            // monitor runs certified samples on until it does), else at the stop state.
            if (_hessian is not null && (_analysis.Hessian == HessianScope.All || r.Outcome == Outcome.Unresolved))
                hessian = HessianSpectrum.Of(_hessian.At(final), _hessianTolerance);
        }
        var eigenvalues = _analysis.Invariants ? Invariants.ExtremeEigenvalues(_problem.Shape, initialInvariants) : null;
        var points = trace?.ToList();
        // The one place a sample's values are written: the integrator's result, the classification and the analyses.
        var record = new SampleRecord
        {
            Point = point,
            Sample = sample,
            Status = r.Status,
            Label = label,
            FinalLoss = r.Loss,
            CriticalValue = critical,
            StopTime = r.Time,
            HitTime = r.HitTime ?? double.NaN,
            Steps = r.Steps,
            RhsEvaluations = r.GradientEvaluations,
            GradientNorm = r.GradientNorm,
            InvariantDrift = drift,
            Outcome = r.Outcome,
            GlobalTime = r.GlobalTime ?? double.NaN,
            Itinerary = r.Itinerary?.ToString() ?? "",
            HessianMin = hessian?.Min ?? double.NaN,
            HessianNegative = hessian?.Negative ?? double.NaN,
            HessianNull = hessian?.Null ?? double.NaN,
            InvariantEigenvalues = eigenvalues is null ? "" : SampleRecord.FormatEigenvalues(eigenvalues),
            TailRate = r.TailRate ?? double.NaN,
            Prop2Rate = double.IsNaN(_cxxMin) ? double.NaN : Proposition2.Rate(_problem.Shape, initialInvariants, _cxxMin),
            StepCondition = r.StepCondition switch { StepCondition.Held => "held", StepCondition.Failed => "failed", _ => "" },
            HessianAt = hessian is null ? "" : r.AtLimit ? "limit" : "stop",
            TraceTime = points?.Select(t => t.Time).ToArray(),
            TraceLoss = points?.Select(t => t.Loss).ToArray(),
            HessianEvaluations = r.HessianEvaluations,
        };
        return new SampleResult(record, r.Itinerary, hessian, eigenvalues, points)
        {
            NumericalFailure = r.Status == SampleStatus.Diverged && _divergenceIsFailure,
            HessianVectorProducts = r.HessianVectorProducts,
        };
    }
}
