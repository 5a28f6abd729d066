namespace Sweep.Numerics;

/// <summary>How a trajectory is integrated (the algorithm, separate from the problem).</summary>
public abstract record Dynamics;

/// <summary>Gradient flow dW/dt = −∇L by adaptive Dormand–Prince 5(4) with mixed error tolerance atol + rtol·|y|.</summary>
public sealed record GradientFlowSettings(double TMax, double RelTol, double AbsTol) : Dynamics;

/// <summary>Gradient descent W ← W − η∇L; iterations play the role of time.</summary>
public sealed record GradientDescentSettings(double LearningRate, long MaxIters) : Dynamics;

/// <summary>
/// Converged when ||∇L||_F ≤ GradTolRel·||Cyx||_F; record the first time with L − L_min ≤ EpsHit.
/// Diverged when a weight is non-finite or exceeds <see cref="DivergenceBound"/> in magnitude.
/// </summary>
public sealed record StopRule(double GradTolRel, double EpsHit)
{
    public const double DivergenceBound = 1e8;
}

public enum SampleStatus { Converged, Horizon, Diverged }

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

/// <summary>How an integration ended. <see cref="HitTime"/> is null when L − L_min ≤ eps_hit never happened.</summary>
public readonly record struct IntegrationOutcome(SampleStatus Status, double Time, long Steps, long GradientEvaluations,
    double Loss, double GradientNorm, double? HitTime);

/// <summary>One point (time, loss) of a traced trajectory.</summary>
public readonly record struct TracePoint(double Time, double Loss);
