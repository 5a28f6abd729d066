namespace Sweep.Numerics.Integration;

/// <summary>
/// The tail rate of one trajectory (docs/tail-rate.md): the exponential rate r of the loss gap
/// g = L − L_min over the last decade before the stop, the negated least-squares slope of ln g against t. It is measured
/// streaming, without the trajectory: a checkpoint (t, ln g) is kept each time g falls another factor
/// <see cref="CheckpointsPerDecade"/>-th root of 10 below the last checkpoint (the first accepted state is one), in a
/// ring of <see cref="Capacity"/> entries, plus the lowest usable state (the latest, when the gap does not rise). At the
/// stop the fit runs over the checkpoints whose gap is within a factor 10 of the lowest usable gap (from t = 0 when the gap never fell a decade) and that
/// state itself, the window widened back to the newest <see cref="MinimumPoints"/> − 1 checkpoints when it holds fewer
/// (an adaptive step near the stop can cover more than a decade). States whose gap is at the evaluation floor (≤ <see cref="FloorRelative"/> × the loss scale, see
/// <see cref="Floor"/>) are not usable. Fewer than <see cref="MinimumPoints"/> points (or points all at one time): no
/// rate. One per lane, allocated once; <see cref="Observe"/> allocates nothing. Checkpoints and the window's end follow the
/// running minimum of the gap, so for a method whose loss is not monotone the rate is that of the running minimum's
/// envelope over its last decade.
/// </summary>
public sealed class TailRateFit
{
    /// <summary>Checkpoints per decade of the gap (each ≥ 10^(1/8) below the previous).</summary>
    public const int CheckpointsPerDecade = 8;
    /// <summary>Checkpoints kept: more than the at most 9 a decade can hold.</summary>
    public const int Capacity = 16;
    /// <summary>Points a fit needs.</summary>
    public const int MinimumPoints = 3;
    /// <summary>The evaluation floor relative to the loss scale: 64 machine epsilons.</summary>
    public const double FloorRelative = 64 * 2.220446049250313e-16;

    // Literals and IeeeMath.Log, not Math.Pow/Math.Log (the platform's libm): the rate is the same bits on every machine.
    private const double Step = 0.7498942093324559;      // 10^(−1/8)
    private const double LnDecade = 2.302585092994046;   // ln 10

    private readonly double _floor;
    private readonly double[] _times = new double[Capacity];
    private readonly double[] _logs = new double[Capacity];
    private int _count;                 // checkpoints recorded (the ring holds the last Capacity)
    private double _nextLevel;          // a gap at or below this is the next checkpoint
    private double _lastTime, _lastLog; // the lowest usable state so far (the latest, for a non-increasing gap)
    private bool _hasLast;

    /// <param name="floor">Gaps at or below this are at the evaluation floor (<see cref="Floor"/>).</param>
    public TailRateFit(double floor) => _floor = floor;

    /// <summary>
    /// The evaluation floor of a problem: <see cref="FloorRelative"/> × L_{}, the loss at W = 0 (= L_min + the largest
    /// critical gap). The gap is formed as L − L_min, so its rounding error is a few ulps of L ≤ L_{}, not of the gap:
    /// with a large residual L_min (data no network fits) the floor grows with it.
    /// </summary>
    public static double Floor(Problems.CriticalValues cv) => FloorRelative * (cv.GapAboveMinimum(0) + Math.Abs(cv.GlobalMinimum));

    /// <summary>Starts a trajectory at <paramref name="time"/> with gap <paramref name="gap"/>.</summary>
    public void Start(double time, double gap)
    {
        _count = 0;
        _hasLast = false;
        _nextLevel = double.PositiveInfinity;
        Observe(time, gap);
    }

    /// <summary>An accepted state.</summary>
    public void Observe(double time, double gap)
    {
        if (!(gap > _floor) || double.IsInfinity(gap)) return;
        double log = Kernels.IeeeMath.Log(gap);
        // The window ends at the running minimum of the gap, as the checkpoints follow it: for the flow (gap
        // non-increasing) that is the latest state; for a method whose loss rises it is the lowest state reached,
        // and the checkpoints within a decade of it stay at most 9, within the ring.
        if (_hasLast && log > _lastLog) return;
        _lastTime = time;
        _lastLog = log;
        _hasLast = true;
        if (gap <= _nextLevel)
        {
            int slot = _count % Capacity;
            _times[slot] = time;
            _logs[slot] = log;
            _count++;
            _nextLevel = gap * Step;
        }
    }

    /// <summary>The fitted rate at the stop; null with fewer than <see cref="MinimumPoints"/> usable points.</summary>
    public double? Rate()
    {
        if (!_hasLast) return null;
        // The window: checkpoints within a decade of the lowest usable gap, widened back to the newest checkpoints
        // when it holds fewer than the fit needs (near the stop one accepted step can cover more than a decade).
        int oldest = _count - Math.Min(_count, Capacity), first = _count, n = 1;
        for (int k = _count - 1; k >= oldest; k--)
        {
            bool duplicate = _times[k % Capacity] == _lastTime && _logs[k % Capacity] == _lastLog;
            if (!duplicate && _logs[k % Capacity] > _lastLog + LnDecade && n >= MinimumPoints) break;
            first = k;
            if (!duplicate) n++;
        }
        if (n < MinimumPoints) return null;
        // Oldest first, the same order on every path: the sums are bitwise reproducible.
        double st = 0, sy = 0;
        for (int k = first; k <= _count; k++)
            if (Point(k, out double t, out double y)) { st += t; sy += y; }
        double mt = st / n, my = sy / n, stt = 0, sty = 0;
        for (int k = first; k <= _count; k++)
            if (Point(k, out double t, out double y))
            {
                double dt = t - mt;
                stt += dt * dt;
                sty += dt * (y - my);
            }
        return stt > 0 ? -sty / stt : null;
    }

    /// <summary>Point k of the window: checkpoint k or, for k = count, the lowest usable state (counted once when it is also the last checkpoint).</summary>
    private bool Point(int k, out double t, out double y)
    {
        if (k == _count)
        {
            t = _lastTime;
            y = _lastLog;
            return true;
        }
        t = _times[k % Capacity];
        y = _logs[k % Capacity];
        return !(t == _lastTime && y == _lastLog);
    }
}
