using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Sweep.Numerics.Kernels;

/// <summary>Eight trajectories in one AVX-512 register.</summary>
public struct Vector512Lane : ILane<Vector512Lane>
{
    private Vector512<double> _v;   // not readonly: MultiplyAddTo writes it in place
    private Vector512Lane(Vector512<double> v) => _v = v;
    public static int Width => 8;
    public static Vector512Lane Zero => default;
    public readonly double this[int lane] => _v.GetElement(lane);
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512Lane Load(ref readonly double source) => new(Vector512.LoadUnsafe(in source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512Lane operator +(Vector512Lane a, Vector512Lane b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512Lane operator -(Vector512Lane a, Vector512Lane b) => new(a._v - b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512Lane operator *(Vector512Lane a, Vector512Lane b) => new(a._v * b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512Lane operator /(Vector512Lane a, Vector512Lane b) => new(a._v / b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512Lane MultiplyAdd(Vector512Lane a, Vector512Lane b, Vector512Lane c) => new(Vector512.FusedMultiplyAdd(a._v, b._v, c._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void MultiplyAddTo(ref Vector512Lane acc, Vector512Lane a, Vector512Lane b) => acc._v = Vector512.FusedMultiplyAdd(a._v, b._v, acc._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512Lane Abs(Vector512Lane a) => new(Vector512.Abs(a._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512Lane Sqrt(Vector512Lane a) => new(Vector512.Sqrt(a._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512Lane Max(Vector512Lane a, Vector512Lane b) => new(Vector512.Max(a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512Lane LessOrEqual(Vector512Lane a, Vector512Lane b) => new(Vector512.LessThanOrEqual(a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512Lane AndNot(Vector512Lane a, Vector512Lane b) => new(Vector512.AndNot(a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512Lane Or(Vector512Lane a, Vector512Lane b) => new(a._v | b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512Lane Select(Vector512Lane mask, Vector512Lane a, Vector512Lane b) => new(Vector512.ConditionalSelect(mask._v, a._v, b._v));
    public static Vector512Lane FromLanes(ReadOnlySpan<double> values) => new(Vector512.Create(values[..8]));
}
