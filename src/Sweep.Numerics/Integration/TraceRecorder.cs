namespace Sweep.Numerics.Integration;

/// <summary>
/// Records (time, loss) along a trajectory with bounded memory: when full it keeps every other point and doubles
/// its stride, so a trace of any length ends with between half and all of <see cref="Capacity"/> evenly thinned points
/// (plus the final state, always kept).
/// </summary>
public sealed class TraceRecorder
{
    private readonly List<TracePoint> _points = new();
    private int _stride = 1;
    private long _seen;
    private TracePoint? _last;

    public TraceRecorder(int capacity = 2048)
    {
        if (capacity < 4) throw new ArgumentOutOfRangeException(nameof(capacity));
        Capacity = capacity;
    }

    public int Capacity { get; }

    public void Record(double time, double loss)
    {
        var p = new TracePoint(time, loss);
        _last = p;
        if (_seen++ % _stride != 0) return;
        _points.Add(p);
        if (_points.Count >= Capacity)
        {
            int w = 0;
            for (int r = 0; r < _points.Count; r += 2) _points[w++] = _points[r];
            _points.RemoveRange(w, _points.Count - w);
            _stride *= 2;
        }
    }

    public IReadOnlyList<TracePoint> ToList()
    {
        var list = new List<TracePoint>(_points);
        if (_last is { } last && (list.Count == 0 || list[^1] != last)) list.Add(last);
        return list;
    }
}
