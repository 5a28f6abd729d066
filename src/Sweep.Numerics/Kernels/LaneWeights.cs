namespace Sweep.Numerics.Kernels;

/// <summary>
/// One trajectory's weights inside a lane buffer (element e of lane l at [e·width + l], see <see cref="ILane{TSelf}"/>),
/// read without copying; width 1 is a plain row-major buffer.
/// </summary>
public readonly ref struct LaneWeights
{
    private readonly ReadOnlySpan<double> _buffer;
    private readonly int _width, _lane;

    public LaneWeights(ReadOnlySpan<double> buffer, int width, int lane)
    {
        _buffer = buffer;
        _width = width;
        _lane = lane;
    }

    /// <summary>Weights of a single trajectory, plain row-major.</summary>
    public LaneWeights(ReadOnlySpan<double> weights) : this(weights, 1, 0) { }

    public double this[int element] => _buffer[element * _width + _lane];

    public void CopyTo(Span<double> destination)
    {
        for (int e = 0; e < destination.Length; e++) destination[e] = _buffer[e * _width + _lane];
    }
}
