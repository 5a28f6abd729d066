using Sweep.Numerics.Integration;

namespace Sweep.Campaigns;

/// <summary>
/// The data a problem needs, as sufficient statistics (never the raw examples): what workers build the numerics'
/// problem from.
/// </summary>
public abstract record ProblemData(int InputDim, int OutputDim);

/// <summary>The paper's reduced form: Cxx = I, Cyx = [diag(σ), 0].</summary>
public sealed record CanonicalProblemData(double[] SingularValues, int InputDim) : ProblemData(InputDim, SingularValues.Length);

/// <summary>
/// A data problem: Cxx (d_x × d_x) and Cyx (d_y × d_x), row-major, ||Y||², and the global minimum L_min (the
/// least-squares residual, computed from X and Y directly where they are read: ½||Y||² − ½Σs² cancels when it is small).
/// </summary>
public sealed record CovarianceProblemData(int InputDim, int OutputDim, double[] Cxx, double[] Cyx, double YNormSquared, double GlobalMinimum, bool Whiten)
    : ProblemData(InputDim, OutputDim);

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
    Until Until = Until.Hit)
{
    /// <summary>Record each sample's saddle-to-saddle itinerary (<c>analysis.itinerary</c>).</summary>
    public bool Itinerary { get; init; }

    /// <summary>Where an uncertified trajectory stops: t_max for the flow, max_iters for descent (times are iteration counts).</summary>
    public double Horizon => Dynamics.Horizon;
}

/// <summary>A campaign as the workers see it: its hash (identity), seed and points.</summary>
public sealed record CampaignSpec(string Hash, long Seed, PointSpec[] Points);
