using Sweep.Numerics.Integration;
using Sweep.Results;

namespace Sweep.Numerics;

/// <summary>
/// What a solve returns: the sample's <see cref="SampleRecord"/> (its row of samples.csv, filled once by the solver)
/// and the structured objects behind some of its cells, for the numerics' callers and tests. The scalar members read
/// the record (a missing time is null here, NaN there); nothing is copied. For a diverged sample the label is empty and
/// the critical value NaN (it is not classified). <see cref="Status"/> says how it stopped (converged: the stop rule's
/// <c>until</c> condition was met), <see cref="Outcome"/> what may be claimed of its limit. <see cref="HitTime"/> is
/// null when L − L_min ≤ eps_hit never happened, <see cref="GlobalTime"/> (t_global, the first certified time) when
/// the outcome is not global. Setting one of the objects (<c>with { Itinerary = null }</c>) sets its cells too, so the
/// two never disagree.
/// </summary>
public sealed record SampleResult
{
    private readonly Analysis.HessianSpectrum? _hessian;
    private readonly Analysis.Itinerary? _itinerary;
    private readonly IReadOnlyList<(double Min, double Max)>? _eigenvalues;
    private readonly IReadOnlyList<TracePoint>? _trace;

    /// <summary>The solver's result: the record it filled and the objects its cells were written from.</summary>
    internal SampleResult(SampleRecord record, Analysis.Itinerary? itinerary, Analysis.HessianSpectrum? hessian,
        IReadOnlyList<(double Min, double Max)>? eigenvalues, IReadOnlyList<TracePoint>? trace)
    {
        Record = record;
        _itinerary = itinerary;
        _hessian = hessian;
        _eigenvalues = eigenvalues;
        _trace = trace;
    }

    /// <summary>The sample's row.</summary>
    public SampleRecord Record { get; private init; }

    public int Point => Record.Point;
    public long Sample => Record.Sample;
    public SampleStatus Status => Record.Status;
    public string Label => Record.Label;
    public double FinalLoss => Record.FinalLoss;
    public double CriticalValue => Record.CriticalValue;
    public double StopTime => Record.StopTime;
    public double? HitTime => Present(Record.HitTime);
    public long Steps => Record.Steps;
    public long RhsEvaluations => Record.RhsEvaluations;
    public double GradientNorm => Record.GradientNorm;
    public double InvariantDrift => Record.InvariantDrift;
    public Outcome Outcome => Record.Outcome;
    public double? GlobalTime => Present(Record.GlobalTime);
    /// <summary>The tail rate (<see cref="Integration.TailRateFit"/>), when the analysis asked for it and the fit had enough points.</summary>
    public double? TailRate => Present(Record.TailRate);
    /// <summary>The rate Proposition 2 guarantees (0: its hypotheses fail), when the analysis asked for it and it applies.</summary>
    public double? Prop2Rate => Present(Record.Prop2Rate);
    /// <summary>The step-size condition of plain descent's loss certificate: "held", "failed" or "" (never checked).</summary>
    public string StepCondition => Record.StepCondition;
    /// <summary>Where the Hessian was read: "limit", "stop" or "" (not analysed).</summary>
    public string HessianAt => Record.HessianAt;

    /// <summary>
    /// A gradient-flow trajectory that diverged: the flow cannot (Prop. 1), so the integrator failed; summaries should
    /// warn. False for gradient descent, which may diverge.
    /// </summary>
    public bool NumericalFailure { get; init; }

    /// <summary>Exact Hessians taken by an implicit integrator (0 for explicit methods); for benchmarks and the allocation's cost model, not a samples.csv column.</summary>
    public long HessianEvaluations => Record.HessianEvaluations;

    /// <summary>Hessian–vector products of the implicit integrator's matrix-free path (0 on the dense path); for benchmarks.</summary>
    public long HessianVectorProducts { get; init; }

    /// <summary>The Hessian spectrum at the stop, when the campaign's analysis asked for this sample's.</summary>
    public Analysis.HessianSpectrum? Hessian
    {
        get => _hessian;
        init
        {
            _hessian = value;
            Record = Record with
            {
                HessianMin = value?.Min ?? double.NaN, HessianNegative = value?.Negative ?? double.NaN, HessianNull = value?.Null ?? double.NaN,
                HessianAt = value is null ? "" : Record.HessianAt.Length > 0 ? Record.HessianAt : "stop",
            };
        }
    }

    /// <summary>The saddle-to-saddle itinerary, when the analysis asked for it (null for a diverged sample).</summary>
    public Analysis.Itinerary? Itinerary
    {
        get => _itinerary;
        init
        {
            _itinerary = value;
            Record = Record with { Itinerary = value?.ToString() ?? "" };
        }
    }

    /// <summary>λ_min and λ_max of each D_i at t = 0 (i = 1..H), when the campaign's analysis asked for them.</summary>
    public IReadOnlyList<(double Min, double Max)>? InvariantEigenvalues
    {
        get => _eigenvalues;
        init
        {
            _eigenvalues = value;
            Record = Record with { InvariantEigenvalues = value is null ? "" : SampleRecord.FormatEigenvalues(value) };
        }
    }

    /// <summary>(time, loss) along the trajectory, when it was traced.</summary>
    public IReadOnlyList<TracePoint>? Trace
    {
        get => _trace;
        init
        {
            _trace = value;
            Record = Record with { TraceTime = value?.Select(t => t.Time).ToArray(), TraceLoss = value?.Select(t => t.Loss).ToArray() };
        }
    }

    // The record writes a missing time or rate as NaN; no computed one is NaN.
    private static double? Present(double value) => double.IsNaN(value) ? null : value;
}
