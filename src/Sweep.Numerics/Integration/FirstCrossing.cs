namespace Sweep.Numerics.Integration;

/// <summary>
/// First time with L − L_min ≤ level. Between two accepted states the gap is interpolated linearly in time, so the
/// recorded time does not depend on where the integrator happened to step (for descent: the iteration).
/// </summary>
internal struct FirstCrossing
{
    private readonly double _level;
    private readonly double _minimum;
    private readonly bool _interpolate;
    private double _lastTime, _lastGap;

    public FirstCrossing(double level, double minimum, bool interpolate, double time, double loss)
    {
        _level = level;
        _minimum = minimum;
        _interpolate = interpolate;
        _lastTime = time;
        _lastGap = loss - minimum;
        Time = _lastGap <= level ? time : null;
    }

    public double? Time { get; private set; }

    public void Observe(double time, double loss)
    {
        if (Time is not null) return;
        double gap = loss - _minimum;
        if (gap <= _level)
        {
            double frac = _interpolate && _lastGap > gap ? (_lastGap - _level) / (_lastGap - gap) : 1;
            Time = _lastTime + Math.Clamp(frac, 0, 1) * (time - _lastTime);
        }
        _lastTime = time;
        _lastGap = gap;
    }
}
