namespace Sweep.Numerics.Integration;

/// <summary>
/// First time with L − L_min ≤ level (or &lt; level when strict). Between two accepted states the gap is interpolated in
/// time, so the recorded time does not depend on where the integrator happened to step (for descent: the iteration):
/// linearly, or, when the integrator gives the slope dL/dt = −‖∇L‖² at both states (the implicit method, whose steps
/// are long), by the cubic Hermite interpolant of the gap, whose crossing is found by bisection (error O(h⁴) instead of
/// O(h²)). Dormand–Prince gives no slopes, so its crossings are the linear ones they always were.
/// </summary>
internal struct FirstCrossing
{
    private readonly double _level;
    private readonly double _minimum;
    private readonly bool _interpolate, _strict;
    private double _lastTime, _lastGap, _lastSlope;

    public FirstCrossing(double level, double minimum, bool interpolate, double time, double loss, bool strict = false)
    {
        _level = level;
        _minimum = minimum;
        _interpolate = interpolate;
        _strict = strict;
        _lastTime = time;
        _lastGap = loss - minimum;
        _lastSlope = double.NaN;
        Time = Below(_lastGap) ? time : null;
    }

    private readonly bool Below(double gap) => _strict ? gap < _level : gap <= _level;

    public double? Time { get; private set; }

    /// <param name="slope">dL/dt at this state, NaN when not known.</param>
    public void Observe(double time, double loss, double slope = double.NaN)
    {
        if (Time is not null) return;
        double gap = loss - _minimum;
        if (Below(gap))
        {
            double frac = !_interpolate || !(_lastGap > gap) ? 1
                : double.IsFinite(slope) && double.IsFinite(_lastSlope) ? HermiteCrossing(_lastGap, gap, _lastSlope * (time - _lastTime), slope * (time - _lastTime))
                : (_lastGap - _level) / (_lastGap - gap);
            Time = _lastTime + Math.Clamp(frac, 0, 1) * (time - _lastTime);
        }
        _lastTime = time;
        _lastGap = gap;
        _lastSlope = slope;
    }

    /// <summary>
    /// s ∈ [0, 1] where the cubic Hermite interpolant p with p(0) = g0 > level ≥ p(1) = g1, p′(0) = d0, p′(1) = d1 meets the
    /// level, by bisection on the bracket (a fixed number of halvings: the same bits everywhere).
    /// </summary>
    private readonly double HermiteCrossing(double g0, double g1, double d0, double d1)
    {
        double a = 0, b = 1;
        for (int i = 0; i < 60; i++)
        {
            double s = 0.5 * (a + b), s2 = s * s, s3 = s2 * s;
            double p = (2 * s3 - 3 * s2 + 1) * g0 + (s3 - 2 * s2 + s) * d0 + (3 * s2 - 2 * s3) * g1 + (s3 - s2) * d1;
            if (Below(p)) b = s; else a = s;
        }
        return b;
    }
}
