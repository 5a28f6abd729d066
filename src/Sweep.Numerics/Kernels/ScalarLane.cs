using System.Runtime.CompilerServices;

namespace Sweep.Numerics.Kernels;

/// <summary>One trajectory: the lane type of the plain (non-SIMD) kernels.</summary>
public struct ScalarLane : ILane<ScalarLane>
{
    private double _v;   // not readonly: MultiplyAddTo writes it in place
    private ScalarLane(double v) => _v = v;
    public static int Width => 1;
    public static ScalarLane Zero => default;
    public readonly double this[int lane] => _v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane Broadcast(double x) => new(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane Load(ReadOnlySpan<double> b, int e) => new(b[e]);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Span<double> b, int e, ScalarLane v) => b[e] = v._v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane Load(ref readonly double source) => new(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane operator +(ScalarLane a, ScalarLane b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane operator -(ScalarLane a, ScalarLane b) => new(a._v - b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane operator *(ScalarLane a, ScalarLane b) => new(a._v * b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane operator /(ScalarLane a, ScalarLane b) => new(a._v / b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane MultiplyAdd(ScalarLane a, ScalarLane b, ScalarLane c) => new(Math.FusedMultiplyAdd(a._v, b._v, c._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void MultiplyAddTo(ref ScalarLane acc, ScalarLane a, ScalarLane b) => acc._v = Math.FusedMultiplyAdd(a._v, b._v, acc._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane Abs(ScalarLane a) => new(Math.Abs(a._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane Sqrt(ScalarLane a) => new(Math.Sqrt(a._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane Max(ScalarLane a, ScalarLane b) => new(Math.Max(a._v, b._v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane LessOrEqual(ScalarLane a, ScalarLane b) => new(a._v <= b._v ? BitConverter.Int64BitsToDouble(-1) : 0);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane AndNot(ScalarLane a, ScalarLane b) => new(BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(a._v) & ~BitConverter.DoubleToInt64Bits(b._v)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane Or(ScalarLane a, ScalarLane b) => new(BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(a._v) | BitConverter.DoubleToInt64Bits(b._v)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ScalarLane Select(ScalarLane mask, ScalarLane a, ScalarLane b) => BitConverter.DoubleToInt64Bits(mask._v) != 0 ? a : b;
    public static ScalarLane FromLanes(ReadOnlySpan<double> values) => new(values[0]);
}
