using System.Runtime.Intrinsics;
using Sweep.Numerics.Kernels;
using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Integration;

/// <summary>
/// The gradients at Radau IIA's three stages, y + z_k, in one call of the four-lane kernel: the three are independent,
/// and every lane kernel gives each lane the same bits as the one-lane kernel (fused multiply-adds in one order,
/// <see cref="LaneDense{T}"/>), so this is three <see cref="LossGradient"/> evaluations bit for bit at about the cost of
/// one. Without 256-bit SIMD it evaluates them one by one. One instance per thread; allocates nothing per call.
/// </summary>
internal sealed class StageGradients
{
    private const int Width = 4;
    private readonly int _n;
    private readonly LossGradientKernel<Vector256Lane>? _lanes;
    private readonly LossGradient? _single;
    private readonly AlignedBuffer _weights, _gradients;

    public StageGradients(LinearNetworkProblem problem)
    {
        _n = problem.Shape.ParameterCount;
        if (Vector256.IsHardwareAccelerated) _lanes = new LossGradientKernel<Vector256Lane>(problem);
        else _single = new LossGradient(problem);
        int width = _lanes is null ? 1 : Width;
        _weights = new AlignedBuffer(_n * width);
        _gradients = new AlignedBuffer(_n * width);
    }

    /// <summary>z_k ← −∇L(y + z_k) for k = 1, 2, 3. False when a gradient is not finite.</summary>
    public bool Evaluate(ReadOnlySpan<double> y, Span<double> z1, Span<double> z2, Span<double> z3)
    {
        int n = _n;
        Span<double> w = _weights, g = _gradients;
        if (_lanes is null) return One(y, z1, w, g) & One(y, z2, w, g) & One(y, z3, w, g);
        // Lane 3 repeats stage 3: an idle lane must hold finite values, and its result is never read.
        for (int i = 0, e = 0; i < n; i++, e += Width)
        {
            double yi = y[i], s3 = yi + z3[i];
            w[e] = yi + z1[i]; w[e + 1] = yi + z2[i]; w[e + 2] = s3; w[e + 3] = s3;
        }
        _lanes.Evaluate(w, g);
        bool finite = true;
        for (int i = 0, e = 0; i < n; i++, e += Width)
        {
            double g1 = g[e], g2 = g[e + 1], g3 = g[e + 2];
            z1[i] = -g1; z2[i] = -g2; z3[i] = -g3;
            finite &= double.IsFinite(g1) & double.IsFinite(g2) & double.IsFinite(g3);
        }
        return finite;
    }

    private bool One(ReadOnlySpan<double> y, Span<double> z, Span<double> ys, Span<double> g)
    {
        int n = _n;
        for (int i = 0; i < n; i++) ys[i] = y[i] + z[i];
        _single!.Evaluate(ys[..n], g[..n]);
        bool finite = true;
        for (int i = 0; i < n; i++)
        {
            z[i] = -g[i];
            finite &= double.IsFinite(g[i]);
        }
        return finite;
    }
}
