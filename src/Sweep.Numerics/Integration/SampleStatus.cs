namespace Sweep.Numerics.Integration;

/// <summary>How a trajectory stopped.</summary>
public enum SampleStatus { Converged, Horizon, Diverged }

/// <summary>The names of <see cref="SampleStatus"/> in samples.csv and summary.json.</summary>
public static class SampleStatusNames
{
    public static string Name(this SampleStatus s) => s switch
    {
        SampleStatus.Converged => "converged",
        SampleStatus.Horizon => "horizon",
        _ => "diverged",
    };

    public static SampleStatus Parse(string s) => s switch
    {
        "converged" => SampleStatus.Converged,
        "horizon" => SampleStatus.Horizon,
        "diverged" => SampleStatus.Diverged,
        _ => throw new FormatException($"unknown status '{s}'"),
    };
}
