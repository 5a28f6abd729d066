namespace Sweep.Numerics.Integration;

/// <summary>One point (time, loss) of a traced trajectory.</summary>
public readonly record struct TracePoint(double Time, double Loss);
