namespace Sweep.Numerics.Kernels;

/// <summary>
/// A buffer of doubles whose first element sits on a 64-byte boundary (a cache line, one Vector512), so that SIMD loads
/// and stores of lane vectors never straddle two cache lines. Backed by an array on the pinned object heap, which
/// never moves, with the start offset chosen once.
/// </summary>
public sealed class AlignedBuffer
{
    private readonly double[] _array;
    private readonly int _offset;

    public unsafe AlignedBuffer(int length)
    {
        Length = length;
        _array = GC.AllocateArray<double>(length + 8, pinned: true);
        fixed (double* p = _array)
        {
            long misalignment = (long)p % 64;
            _offset = misalignment == 0 ? 0 : (int)((64 - misalignment) / sizeof(double));
        }
    }

    public int Length { get; }
    public Span<double> Span => _array.AsSpan(_offset, Length);

    public static implicit operator Span<double>(AlignedBuffer b) => b.Span;
    public static implicit operator ReadOnlySpan<double>(AlignedBuffer b) => b.Span;
}
