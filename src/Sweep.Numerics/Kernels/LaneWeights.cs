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

    /// <summary>Writes one trajectory's plain row-major <paramref name="values"/> into lane <paramref name="lane"/> of a lane buffer.</summary>
    public static void Store(Span<double> buffer, int width, int lane, ReadOnlySpan<double> values)
    {
        for (int e = 0; e < values.Length; e++) buffer[e * width + lane] = values[e];
    }

    /// <summary>Zeroes the first <paramref name="elements"/> elements of lane <paramref name="lane"/> (an idle lane computes on zeros).</summary>
    public static void Clear(Span<double> buffer, int width, int lane, int elements)
    {
        for (int e = 0; e < elements; e++) buffer[e * width + lane] = 0;
    }
}
