using Sweep.Numerics.Kernels;
using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Analysis;

/// <summary>
/// The classification rule of docs/math.md: Z = Uᵀ P Cxx^{1/2} V (d_y × d_y); mode i is learned iff Z_ii > s_i / 2.
/// </summary>
public static class Classifier
{
    public static Classification Classify(LinearNetworkProblem problem, ReadOnlySpan<double> weights, double loss)
    {
        var z = RotatedProduct(problem, weights);
        var s = problem.Spectrum.SingularValues;
        int dy = s.Length;
        int mask = 0;
        for (int i = 0; i < dy; i++)
            if (z[i * dy + i] > s[i] / 2) mask |= 1 << i;
        double dist = 0;
        for (int i = 0; i < dy; i++)
            for (int j = 0; j < dy; j++)
            {
                double target = i == j && (mask & (1 << i)) != 0 ? s[i] : 0;
                double e = z[i * dy + j] - target;
                dist += e * e;
            }
        double critical = problem.CriticalValues.Value(mask);
        return new Classification(mask, CriticalValues.Label(mask), critical, loss - critical, Math.Sqrt(dist));
    }

    /// <summary>Z = Uᵀ P Cxx^{1/2} V.</summary>
    public static double[] RotatedProduct(LinearNetworkProblem problem, ReadOnlySpan<double> weights)
    {
        var shape = problem.Shape;
        var sp = problem.Spectrum;
        int dx = shape.InputDim, dy = shape.OutputDim;
        var p = LossGradient.Product(shape, weights);
        var q = new double[dy * dx];
        Dense.Multiply(p, sp.CovarianceSqrt, q, dy, dx, dx);
        var qv = new double[dy * dy];
        Dense.Multiply(q, sp.V, qv, dy, dx, dy);
        var z = new double[dy * dy];
        Dense.MultiplyTransposeA(sp.U, qv, z, dy, dy, dy);
        return z;
    }
}
