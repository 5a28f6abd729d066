namespace Sweep.Numerics.Kernels;

/// <summary>
/// A value per trajectory for <see cref="Width"/> trajectories at once. Kernels written against this interface run
/// one trajectory (<see cref="ScalarLane"/>) or several in SIMD lanes (<see cref="Vector256Lane"/>) with the same
/// operations in the same order, so every lane's result is bitwise the one-trajectory result. Buffers are
/// element-major, lane-minor: element e of lane l lives at [e·Width + l]. Products and sums of products use
/// <see cref="MultiplyAdd"/>, an IEEE fused multiply-add (one rounding), in every lane type alike: its result is defined
/// exactly, so lanes still equal the one-trajectory result bit for bit, on any CPU.
/// </summary>
public interface ILane<TSelf> where TSelf : struct, ILane<TSelf>
{
    static abstract int Width { get; }
    static abstract TSelf Zero { get; }
    static abstract TSelf Broadcast(double x);
    static abstract TSelf Load(ReadOnlySpan<double> buffer, int element);
    static abstract void Store(Span<double> buffer, int element, TSelf value);
    /// <summary>The element at <paramref name="source"/> (unchecked: for inner loops that walk their own offsets).</summary>
    static abstract TSelf Load(ref readonly double source);
    static abstract TSelf operator +(TSelf a, TSelf b);
    static abstract TSelf operator -(TSelf a, TSelf b);
    static abstract TSelf operator *(TSelf a, TSelf b);
    static abstract TSelf operator /(TSelf a, TSelf b);
    /// <summary>a·b + c with one rounding (IEEE fusedMultiplyAdd).</summary>
    static abstract TSelf MultiplyAdd(TSelf a, TSelf b, TSelf c);
    /// <summary>
    /// acc = a·b + acc with one rounding: <see cref="MultiplyAdd"/> (the same result), written into the accumulator's
    /// field. Returned through a new wrapper, the JIT emitted the fma in its 213 form plus a register copy whenever a
    /// factor died at it (6 copies per 12 fmas in the 4×3 product block); stored in place it accumulates in the 231 form.
    /// </summary>
    static abstract void MultiplyAddTo(ref TSelf acc, TSelf a, TSelf b);
    static abstract TSelf Abs(TSelf a);
    /// <summary>IEEE square root (correctly rounded, so every lane equals the one-lane value).</summary>
    static abstract TSelf Sqrt(TSelf a);
    static abstract TSelf Max(TSelf a, TSelf b);
    /// <summary>All-ones in lanes where a ≤ b (false for NaN), zero elsewhere.</summary>
    static abstract TSelf LessOrEqual(TSelf a, TSelf b);
    static abstract TSelf AndNot(TSelf a, TSelf b);
    static abstract TSelf Or(TSelf a, TSelf b);
    /// <summary>Bitwise select: a where mask bits are set, else b.</summary>
    static abstract TSelf Select(TSelf mask, TSelf a, TSelf b);
    static abstract TSelf FromLanes(ReadOnlySpan<double> values);
    double this[int lane] { get; }
}
