using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Sweep.Numerics.Kernels;

/// <summary>Four trajectories in one AVX2 register.</summary>
public struct Vector256Lane : ILane<Vector256Lane>
{
    private Vector256<double> _v;   // not readonly: MultiplyAddTo writes it in place
    private Vector256Lane(Vector256<double> v) => _v = v;
    public static int Width => 4;
    public static Vector256Lane Zero => default;
    public readonly double this[int lane] => _v.GetElement(lane);
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Lane Load(ref readonly double source) => new(Vector256.LoadUnsafe(in source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Lane operator +(Vector256Lane a, Vector256Lane b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Lane operator -(Vector256Lane a, Vector256Lane b) => new(a._v - b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Lane operator *(Vector256Lane a, Vector256Lane b) => new(a._v * b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Lane operator /(Vector256Lane a, Vector256Lane b) => new(a._v / b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Lane MultiplyAdd(Vector256Lane a, Vector256Lane b, Vector256Lane c) => new(Vector256.FusedMultiplyAdd(a._v, b._v, c._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void MultiplyAddTo(ref Vector256Lane acc, Vector256Lane a, Vector256Lane b) => acc._v = Vector256.FusedMultiplyAdd(a._v, b._v, acc._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Lane Abs(Vector256Lane a) => new(Vector256.Abs(a._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Lane Sqrt(Vector256Lane a) => new(Vector256.Sqrt(a._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Lane Max(Vector256Lane a, Vector256Lane b) => new(Vector256.Max(a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Lane LessOrEqual(Vector256Lane a, Vector256Lane b) => new(Vector256.LessThanOrEqual(a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Lane AndNot(Vector256Lane a, Vector256Lane b) => new(Vector256.AndNot(a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Lane Or(Vector256Lane a, Vector256Lane b) => new(a._v | b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256Lane Select(Vector256Lane mask, Vector256Lane a, Vector256Lane b) => new(Vector256.ConditionalSelect(mask._v, a._v, b._v));
    public static Vector256Lane FromLanes(ReadOnlySpan<double> values) => new(Vector256.Create(values[0], values[1], values[2], values[3]));
}
