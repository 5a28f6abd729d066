using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Sweep.Numerics;

/// <summary>
/// A value per trajectory for <see cref="Width"/> trajectories at once. Kernels written against this interface run
/// one trajectory (<see cref="ScalarLane"/>) or several in SIMD lanes (<see cref="Vector256Lane"/>) with the same
/// operations in the same order, so every lane's result is bitwise the one-trajectory result. Buffers are
/// element-major, lane-minor: element e of lane l lives at [e·Width + l]. No fused multiply-add is used, on purpose.
/// </summary>
public interface ILane<TSelf> where TSelf : struct, ILane<TSelf>
{
    static abstract int Width { get; }
    static abstract TSelf Zero { get; }
    static abstract TSelf Broadcast(double x);
    static abstract TSelf Load(ReadOnlySpan<double> buffer, int element);
    static abstract void Store(Span<double> buffer, int element, TSelf value);
    static abstract TSelf operator +(TSelf a, TSelf b);
    static abstract TSelf operator -(TSelf a, TSelf b);
    static abstract TSelf operator *(TSelf a, TSelf b);
    static abstract TSelf operator /(TSelf a, TSelf b);
    static abstract TSelf Abs(TSelf a);
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

public readonly struct ScalarLane : ILane<ScalarLane>
{
    private readonly double _v;
    private ScalarLane(double v) => _v = v;
    public static int Width => 1;
    public static ScalarLane Zero => default;
    public double this[int lane] => _v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane Broadcast(double x) => new(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane Load(ReadOnlySpan<double> b, int e) => new(b[e]);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Span<double> b, int e, ScalarLane v) => b[e] = v._v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane operator +(ScalarLane a, ScalarLane b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane operator -(ScalarLane a, ScalarLane b) => new(a._v - b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane operator *(ScalarLane a, ScalarLane b) => new(a._v * b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane operator /(ScalarLane a, ScalarLane b) => new(a._v / b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane Abs(ScalarLane a) => new(Math.Abs(a._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane Max(ScalarLane a, ScalarLane b) => new(Math.Max(a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane LessOrEqual(ScalarLane a, ScalarLane b) => new(a._v <= b._v ? BitConverter.Int64BitsToDouble(-1) : 0);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane AndNot(ScalarLane a, ScalarLane b) => new(BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(a._v) & ~BitConverter.DoubleToInt64Bits(b._v)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane Or(ScalarLane a, ScalarLane b) => new(BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(a._v) | BitConverter.DoubleToInt64Bits(b._v)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane Select(ScalarLane mask, ScalarLane a, ScalarLane b) => BitConverter.DoubleToInt64Bits(mask._v) != 0 ? a : b;
    public static ScalarLane FromLanes(ReadOnlySpan<double> values) => new(values[0]);
}

public readonly struct Vector256Lane : ILane<Vector256Lane>
{
    private readonly Vector256<double> _v;
    private Vector256Lane(Vector256<double> v) => _v = v;
    public static int Width => 4;
    public static Vector256Lane Zero => default;
    public double this[int lane] => _v.GetElement(lane);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Lane Broadcast(double x) => new(Vector256.Create(x));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256Lane Load(ReadOnlySpan<double> b, int e)
    {
        // Unchecked: the kernels index within their own buffers (sizes are exact multiples of the width).
        Debug.Assert((uint)(4 * e + 3) < (uint)b.Length);
        return new(Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(b), (nuint)(4 * e)));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Span<double> b, int e, Vector256Lane v)
    {
        Debug.Assert((uint)(4 * e + 3) < (uint)b.Length);
        v._v.StoreUnsafe(ref MemoryMarshal.GetReference(b), (nuint)(4 * e));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Lane operator +(Vector256Lane a, Vector256Lane b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Lane operator -(Vector256Lane a, Vector256Lane b) => new(a._v - b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Lane operator *(Vector256Lane a, Vector256Lane b) => new(a._v * b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Lane operator /(Vector256Lane a, Vector256Lane b) => new(a._v / b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Lane Abs(Vector256Lane a) => new(Vector256.Abs(a._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Lane Max(Vector256Lane a, Vector256Lane b) => new(Vector256.Max(a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Lane LessOrEqual(Vector256Lane a, Vector256Lane b) => new(Vector256.LessThanOrEqual(a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Lane AndNot(Vector256Lane a, Vector256Lane b) => new(Vector256.AndNot(a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Lane Or(Vector256Lane a, Vector256Lane b) => new(a._v | b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Lane Select(Vector256Lane mask, Vector256Lane a, Vector256Lane b) => new(Vector256.ConditionalSelect(mask._v, a._v, b._v));
    public static Vector256Lane FromLanes(ReadOnlySpan<double> values) => new(Vector256.Create(values[0], values[1], values[2], values[3]));
}

public readonly struct Vector512Lane : ILane<Vector512Lane>
{
    private readonly Vector512<double> _v;
    private Vector512Lane(Vector512<double> v) => _v = v;
    public static int Width => 8;
    public static Vector512Lane Zero => default;
    public double this[int lane] => _v.GetElement(lane);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512Lane Broadcast(double x) => new(Vector512.Create(x));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512Lane Load(ReadOnlySpan<double> b, int e)
    {
        Debug.Assert((uint)(8 * e + 7) < (uint)b.Length);
        return new(Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(b), (nuint)(8 * e)));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Span<double> b, int e, Vector512Lane v)
    {
        Debug.Assert((uint)(8 * e + 7) < (uint)b.Length);
        v._v.StoreUnsafe(ref MemoryMarshal.GetReference(b), (nuint)(8 * e));
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512Lane operator +(Vector512Lane a, Vector512Lane b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512Lane operator -(Vector512Lane a, Vector512Lane b) => new(a._v - b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512Lane operator *(Vector512Lane a, Vector512Lane b) => new(a._v * b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512Lane operator /(Vector512Lane a, Vector512Lane b) => new(a._v / b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512Lane Abs(Vector512Lane a) => new(Vector512.Abs(a._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512Lane Max(Vector512Lane a, Vector512Lane b) => new(Vector512.Max(a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512Lane LessOrEqual(Vector512Lane a, Vector512Lane b) => new(Vector512.LessThanOrEqual(a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512Lane AndNot(Vector512Lane a, Vector512Lane b) => new(Vector512.AndNot(a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512Lane Or(Vector512Lane a, Vector512Lane b) => new(a._v | b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512Lane Select(Vector512Lane mask, Vector512Lane a, Vector512Lane b) => new(Vector512.ConditionalSelect(mask._v, a._v, b._v));
    public static Vector512Lane FromLanes(ReadOnlySpan<double> values) => new(Vector512.Create(values[..8]));
}
