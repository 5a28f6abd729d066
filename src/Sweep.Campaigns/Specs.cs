namespace Sweep.Campaigns;

/// <summary>
/// The data a problem needs, as sufficient statistics (never the raw examples): canonical problems carry their
/// singular values, data problems Cxx (d_x × d_x) and Cyx (d_y × d_x), row-major, and ||Y||².
/// </summary>
public sealed record ProblemData(
    bool Canonical,
    int InputDim,
    int OutputDim,
    double[] SingularValues,
    double[] Cxx,
    double[] Cyx,
    double YNormSquared,
    bool Whiten);

/// <summary>"flow" (TMax, RelTol, AbsTol) or "gd" (LearningRate, MaxIters).</summary>
public sealed record DynamicsData(string Method, double TMax, double RelTol, double AbsTol, double LearningRate, long MaxIters);

/// <summary>Everything a worker needs to solve any sample of one parameter point.</summary>
public sealed record PointSpec(
    int Index,
    ProblemData Problem,
    int[] Hidden,
    double InitScale,
    int[] SuppressModes,
    DynamicsData Dynamics,
    double GradTolRel,
    double EpsHit,
    int TraceSamples);

/// <summary>A campaign as the workers see it: its hash (identity), seed and points.</summary>
public sealed record CampaignSpec(string Hash, long Seed, PointSpec[] Points);
