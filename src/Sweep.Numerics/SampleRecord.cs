using System.Reflection;
using Sweep.Numerics.Integration;

// The schema's namespace, though the record lives in Numerics: the solver fills it (TrajectorySolver), and the
// codecs in Sweep.Results read it; its many readers name it by this namespace.
namespace Sweep.Results;

/// <summary>
/// One sample's result: a row of samples.csv, of a stored shard, of the Parquet export and of a shard result on the
/// wire, filled once by <see cref="Sweep.Numerics.TrajectorySolver"/> from the integrator's result, the classification
/// and the analyses. Its <see cref="ColumnAttribute"/> properties ARE the per-sample schema: <c>SampleColumns</c>
/// (Sweep.Results) reads them, in declaration order, and every codec (CSV, store blob, Parquet, wire) follows from that
/// list. Adding a column is one property here plus the line that fills it in the solver. Missing reals are NaN (an
/// empty CSV cell, a Parquet null).
/// </summary>
public sealed record SampleRecord
{
    [Column("point")] public int Point { get; init; }
    [Column("sample")] public long Sample { get; init; }
    /// <summary>How the trajectory stopped.</summary>
    [Column("status")] public SampleStatus Status { get; init; }
    /// <summary>The learned-mode set at the stop, "{0,2}"; empty for a diverged sample.</summary>
    [Column("label")] public string Label { get; init; } = "";
    [Column("final_loss")] public double FinalLoss { get; init; } = double.NaN;
    /// <summary>L_S of the label; NaN for a diverged sample.</summary>
    [Column("critical_value")] public double CriticalValue { get; init; } = double.NaN;
    [Column("t_stop")] public double StopTime { get; init; } = double.NaN;
    /// <summary>First time with L − L_min ≤ eps_hit; NaN when never hit.</summary>
    [Column("t_hit")] public double HitTime { get; init; } = double.NaN;
    [Column("steps")] public long Steps { get; init; }
    [Column("rhs_evals")] public long RhsEvaluations { get; init; }
    [Column("grad_norm")] public double GradientNorm { get; init; } = double.NaN;
    [Column("invariant_drift")] public double InvariantDrift { get; init; } = double.NaN;
    /// <summary>What may be claimed of the limit (docs/math.md, Outcomes and certificates).</summary>
    [Column("outcome")] public Outcome Outcome { get; init; }
    /// <summary>First certified time (t_global); NaN when never certified global.</summary>
    [Column("t_global")] public double GlobalTime { get; init; } = double.NaN;
    /// <summary>The saddle-to-saddle itinerary, "{}@0 {0}@41.2 {0,1}@120.5"; empty unless analysis.itinerary (and for a diverged sample).</summary>
    [Column("itinerary")] public string Itinerary { get; init; } = "";
    /// <summary>Smallest Hessian eigenvalue at the stop; NaN when not analysed (<c>analysis.hessian</c>).</summary>
    [Column("hessian_min")] public double HessianMin { get; init; } = double.NaN;
    /// <summary>Number of Hessian eigenvalues below −τ (≥ 1: a strict saddle); NaN when not analysed.</summary>
    [Column("hessian_negative")] public double HessianNegative { get; init; } = double.NaN;
    /// <summary>Number of Hessian eigenvalues with |λ| ≤ τ; NaN when not analysed or beyond the dense eigensolver's size.</summary>
    [Column("hessian_null")] public double HessianNull { get; init; } = double.NaN;
    /// <summary>
    /// λ_min and λ_max of each D_i = W_{i+1}ᵀW_{i+1} − W_iW_iᵀ at t = 0 (i = 1..H), "lo:hi lo:hi" (<see cref="FormatEigenvalues"/>);
    /// empty unless <c>analysis.invariants</c>.
    /// </summary>
    [Column("invariant_eigs")] public string InvariantEigenvalues { get; init; } = "";
    /// <summary>The fitted exponential rate of L − L_min over the last decade before the stop; NaN unless <c>analysis.tail_rate</c> (or too few points).</summary>
    [Column("tail_rate")] public double TailRate { get; init; } = double.NaN;
    /// <summary>
    /// The rate ρ the invariants at t = 0 guarantee to L − L_min (<see cref="Sweep.Numerics.Analysis.Proposition2"/>): &gt; 0 when the
    /// hypotheses hold, 0 when they do not; NaN unless <c>analysis.prop2</c> and a flow on a pyramidal network. In samples.csv
    /// only with <c>analysis.prop2</c>.
    /// </summary>
    [Column("prop2_rate", Presence = ColumnPresence.Prop2Analysis)] public double Prop2Rate { get; init; } = double.NaN;
    /// <summary>
    /// What the step-size condition of plain descent's loss certificate said (docs/gd-certificate.md): <c>held</c> (the
    /// loss certificate fired), <c>failed</c> (at every check: certified only by convergence, or unresolved), empty when
    /// never checked. In samples.csv only for campaigns with such a method (<see cref="ColumnPresence.DescentStepCondition"/>).
    /// </summary>
    [Column("step_condition", Presence = ColumnPresence.DescentStepCondition)] public string StepCondition { get; init; } = "";
    /// <summary>
    /// Where the Hessian columns were read: <c>limit</c> (a certified sample at which the gradient test held: its limit, to
    /// the gradient tolerance), <c>stop</c> (the stop state of a sample that did not converge: unresolved, or certified
    /// but stopped first); empty when not analysed. In samples.csv only with <c>analysis.hessian</c>.
    /// </summary>
    [Column("hessian_at", Presence = ColumnPresence.HessianAnalysis)] public string HessianAt { get; init; } = "";

    /// <summary>The invariant_eigs cell: "lo:hi" per layer, space-separated, each real in shortest round-trip form (−0 as 0).</summary>
    public static string FormatEigenvalues(IEnumerable<(double Min, double Max)> eigenvalues) =>
        string.Join(' ', eigenvalues.Select(e => Real(e.Min) + ":" + Real(e.Max)));

    /// <summary>Reads an invariant_eigs cell back (empty: none).</summary>
    public static (double Min, double Max)[] ParseEigenvalues(string cell) => cell.Length == 0 ? [] : cell.Split(' ').Select(pair =>
    {
        int colon = pair.IndexOf(':');
        return (double.Parse(pair[..colon], System.Globalization.CultureInfo.InvariantCulture), double.Parse(pair[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }).ToArray();

    private static string Real(double v) => (v == 0 ? 0.0 : v).ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>(time, loss) along the trajectory for traced samples; not a column (stored apart, never in the CSV).</summary>
    public double[]? TraceTime { get; init; }
    public double[]? TraceLoss { get; init; }

    /// <summary>
    /// Exact Hessians (each with its tridiagonal reduction) the implicit integrator took; 0 for explicit methods, −1 when
    /// unknown. Not a column, so no output carries it and stores keep their format: it travels with a shard's result on
    /// the wire to the coordinator's cost model (<c>SampleCost</c>), and a record read back from a store has −1.
    /// Not part of equality (a stored record and the one just solved are the same sample).
    /// </summary>
    public long HessianEvaluations { get; init; } = -1;

    /// <summary>Equal when every column is equal (NaN equals NaN, as the codecs round-trip it) and the traces are.</summary>
    public bool Equals(SampleRecord? other) =>
        other is not null && Columns.All(p => Equals(p.GetValue(this), p.GetValue(other)))
        && SequenceEqual(TraceTime, other.TraceTime) && SequenceEqual(TraceLoss, other.TraceLoss);

    // object.Equals of the boxed values is the codecs' equality: NaN equals NaN, as they round-trip it.
    private static readonly PropertyInfo[] Columns =
        typeof(SampleRecord).GetProperties().Where(p => p.GetCustomAttribute<ColumnAttribute>() is not null).ToArray();

    public override int GetHashCode() => HashCode.Combine(Point, Sample, Status, Label, FinalLoss, StopTime, Steps);

    private static bool SequenceEqual(double[]? a, double[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
}

/// <summary>Marks a property of <see cref="SampleRecord"/> as a per-sample column named <see cref="Name"/> (the CSV header and Parquet field).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ColumnAttribute(string name) : Attribute
{
    public string Name { get; } = name;
    /// <summary>When the column is in samples.csv (the store, the wire and Parquet always carry every column).</summary>
    public ColumnPresence Presence { get; init; } = ColumnPresence.Always;
}

/// <summary>
/// When a column appears in samples.csv: always, or only for campaigns that can fill it, so that adding a column for one
/// kind of campaign leaves every other campaign's samples.csv byte for byte as it was.
/// </summary>
public enum ColumnPresence
{
    Always,
    /// <summary>Some point runs a discrete method with a loss certificate (gd; momentum and Nesterov at β = 0; full-batch sgd at a constant rate).</summary>
    DescentStepCondition,
    /// <summary>Some point asks for the Hessian (<c>analysis.hessian</c> other than none).</summary>
    HessianAnalysis,
    /// <summary>Some point asks for Proposition 2's guaranteed rate (<c>analysis.prop2</c>).</summary>
    Prop2Analysis,
}
