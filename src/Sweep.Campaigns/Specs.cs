using Sweep.Numerics.Analysis;
using Sweep.Numerics.Integration;
using Sweep.Numerics.Sampling;
using Sweep.Numerics.Problems;

namespace Sweep.Campaigns;

/// <summary>
/// The data a problem needs, as sufficient statistics (the raw examples only for minibatch SGD): what workers build
/// the numerics' problem from.
/// </summary>
public abstract record ProblemData(int InputDim, int OutputDim);

/// <summary>The paper's reduced form: Cxx = I, Cyx = [diag(σ), 0].</summary>
public sealed record CanonicalProblemData(double[] SingularValues, int InputDim) : ProblemData(InputDim, SingularValues.Length);

/// <summary>
/// A data problem: Cxx (d_x × d_x) and Cyx (d_y × d_x), row-major, ||Y||², and the global minimum L_min (the
/// least-squares residual, computed from X and Y directly where they are read: ½||Y||² − ½Σs² cancels when it is small).
/// Only a method that samples examples (minibatch SGD) also carries the raw examples, example-major (m × d_x and
/// m × d_y, see <see cref="DataExamples"/>); null otherwise.
/// </summary>
public sealed record CovarianceProblemData(int InputDim, int OutputDim, double[] Cxx, double[] Cyx, double YNormSquared, double GlobalMinimum, bool Whiten,
    double[]? ExamplesX = null, double[]? ExamplesY = null)
    : ProblemData(InputDim, OutputDim)
{
    /// <summary>The carried examples, or null.</summary>
    public DataExamples? Examples => ExamplesX is { } x && ExamplesY is { } y ? new DataExamples(InputDim, OutputDim, x, y) : null;
}

/// <summary>Everything a worker needs to solve any sample of one parameter point.</summary>
public sealed record PointSpec(
    int Index,
    ProblemData Problem,
    int[] Hidden,
    double InitScale,
    int[] SuppressModes,
    Dynamics Dynamics,
    double GradTolRel,
    double EpsHit,
    int TraceSamples,
    Until Until = Until.Hit,
    InitKind InitKind = InitKind.Gaussian,
    double[]? LayerScales = null,
    AnalysisSettings? Analysis = null)
{
    /// <summary>The analyses each sample gets (none unless the campaign asks).</summary>
    public AnalysisSettings Analyses => Analysis ?? AnalysisSettings.Default;

    /// <summary>The numerics' initializer of this point's family.</summary>
    public Initializer Initializer() => InitKind switch
    {
        InitKind.Gaussian => new GaussianInitializer(InitScale, SuppressModes, LayerScales),
        InitKind.Orthogonal => new OrthogonalInitializer(InitScale, SuppressModes, LayerScales),
        InitKind.Balanced => new BalancedInitializer(InitScale, SuppressModes),
        _ => throw new ArgumentOutOfRangeException(nameof(InitKind), InitKind, null),
    };

    /// <summary>Where an uncertified trajectory stops: t_max for the flow, max_iters for descent (times are iteration counts).</summary>
    public double Horizon => Dynamics.Horizon;
}

/// <summary>The family of initial weights (<c>init.kind</c>).</summary>
public enum InitKind : byte { Gaussian, Orthogonal, Balanced }

/// <summary>A campaign as the workers see it: its hash (identity), seed and points.</summary>
public sealed record CampaignSpec(string Hash, long Seed, PointSpec[] Points)
{
    /// <summary>Aggregate storage: workers send each shard's statistics only, no per-sample rows.</summary>
    public bool Aggregate { get; init; }
}
