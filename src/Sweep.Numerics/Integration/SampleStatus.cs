namespace Sweep.Numerics.Integration;

/// <summary>How a trajectory stopped.</summary>
/// <summary>How a trajectory stopped: <see cref="Budget"/> when its step budget (max_steps) ran out before its until condition or a horizon.</summary>
public enum SampleStatus { Converged, Horizon, Diverged, Budget }

/// <summary>The names of <see cref="SampleStatus"/> in samples.csv and summary.json.</summary>
public static class SampleStatusNames
{
    public static string Name(this SampleStatus s) => s switch
    {
        SampleStatus.Converged => "converged",
        SampleStatus.Horizon => "horizon",
        SampleStatus.Budget => "budget",
        _ => "diverged",
    };

    public static SampleStatus Parse(string s) => s switch
    {
        "converged" => SampleStatus.Converged,
        "horizon" => SampleStatus.Horizon,
        "diverged" => SampleStatus.Diverged,
        "budget" => SampleStatus.Budget,
        _ => throw new FormatException($"unknown status '{s}'"),
    };
}
