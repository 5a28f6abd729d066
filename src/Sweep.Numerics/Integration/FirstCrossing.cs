namespace Sweep.Numerics.Integration;

/// <summary>
/// First time with L − L_min ≤ level (or &lt; level when strict). Between two accepted states the gap is interpolated linearly in time, so the
/// recorded time does not depend on where the integrator happened to step (for descent: the iteration).
/// </summary>
internal struct FirstCrossing
{
    private readonly double _level;
    private readonly double _minimum;
    private readonly bool _interpolate, _strict;
    private double _lastTime, _lastGap;

    public FirstCrossing(double level, double minimum, bool interpolate, double time, double loss, bool strict = false)
    {
        _level = level;
        _minimum = minimum;
        _interpolate = interpolate;
        _strict = strict;
        _lastTime = time;
        _lastGap = loss - minimum;
        Time = Below(_lastGap) ? time : null;
    }

    private bool Below(double gap) => _strict ? gap < _level : gap <= _level;

    public double? Time { get; private set; }

    public void Observe(double time, double loss)
    {
        if (Time is not null) return;
        double gap = loss - _minimum;
        if (Below(gap))
        {
            double frac = _interpolate && _lastGap > gap ? (_lastGap - _level) / (_lastGap - gap) : 1;
            Time = _lastTime + Math.Clamp(frac, 0, 1) * (time - _lastTime);
        }
        _lastTime = time;
        _lastGap = gap;
    }
}
