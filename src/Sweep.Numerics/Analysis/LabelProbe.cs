using Sweep.Numerics.Kernels;
using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Analysis;

/// <summary>
/// The mask of the classification rule (<see cref="Classifier"/>) without allocating: the same products in the same
/// order, in buffers owned by the probe, for monitors that classify states along a trajectory. One per thread.
/// </summary>
public sealed class LabelProbe
{
    private readonly LinearNetworkProblem _problem;
    private readonly double[] _w, _a, _b, _q, _qv, _z;

    public LabelProbe(LinearNetworkProblem problem)
    {
        _problem = problem;
        var shape = problem.Shape;
        int dx = shape.InputDim, dy = shape.OutputDim;
        _w = new double[shape.ParameterCount];
        _a = new double[shape.MaxWidth * dx];
        _b = new double[shape.MaxWidth * dx];
        _q = new double[dy * dx];
        _qv = new double[dy * dy];
        _z = new double[dy * dy];
    }

    /// <summary>Bitmask of the learned modes of a state: mode i learned iff Z_ii &gt; s_i / 2, Z = Uᵀ P Cxx^{1/2} V.</summary>
    public int Mask(LaneWeights weights)
    {
        var shape = _problem.Shape;
        var sp = _problem.Spectrum;
        int dx = shape.InputDim, dy = shape.OutputDim;
        weights.CopyTo(_w);
        ReadOnlySpan<double> w = _w;
        Span<double> current = _a, next = _b;
        shape.Weight(w, 1).CopyTo(current);
        for (int i = 2; i <= shape.Layers; i++)
        {
            Dense.Multiply(shape.Weight(w, i), current[..(shape.Dim(i - 1) * dx)], next[..(shape.Dim(i) * dx)], shape.Dim(i), shape.Dim(i - 1), dx);
            var t = current; current = next; next = t;
        }
        Dense.Multiply(current[..(dy * dx)], sp.CovarianceSqrt, _q, dy, dx, dx);
        Dense.Multiply(_q, sp.V, _qv, dy, dx, dy);
        Dense.MultiplyTransposeA(sp.U, _qv, _z, dy, dy, dy);
        var s = sp.SingularValues;
        int mask = 0;
        for (int i = 0; i < dy; i++)
            if (_z[i * dy + i] > s[i] / 2) mask |= 1 << i;
        return mask;
    }
}
