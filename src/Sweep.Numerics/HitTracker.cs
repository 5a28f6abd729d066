namespace Sweep.Numerics;

/// <summary>
/// First time with L − L_min ≤ eps_hit. Between two accepted states the gap is interpolated linearly in time,
/// so the recorded time does not depend on where the integrator happened to step (for descent: the iteration).
/// </summary>
internal struct HitTracker
{
    private readonly double _eps;
    private readonly double _minimum;
    private readonly bool _interpolate;
    private double _lastTime, _lastGap;

    public HitTracker(double eps, double minimum, bool interpolate, double time, double loss)
    {
        _eps = eps;
        _minimum = minimum;
        _interpolate = interpolate;
        _lastTime = time;
        _lastGap = loss - minimum;
        HitTime = _lastGap <= eps ? time : null;
    }

    public double? HitTime { get; private set; }

    public void Observe(double time, double loss)
    {
        if (HitTime is not null) return;
        double gap = loss - _minimum;
        if (gap <= _eps)
        {
            double frac = _interpolate && _lastGap > gap ? (_lastGap - _eps) / (_lastGap - gap) : 1;
            HitTime = _lastTime + Math.Clamp(frac, 0, 1) * (time - _lastTime);
        }
        _lastTime = time;
        _lastGap = gap;
    }
}
