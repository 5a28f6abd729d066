using MathNet.Numerics.LinearAlgebra;
using Sweep.Numerics.Kernels;
using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Analysis;

/// <summary>
/// The conserved quantities of the flow (Lemma 2.3): D_i = W_{i+1}ᵀ W_{i+1} − W_i W_iᵀ (d_i × d_i), i = 1..H.
/// </summary>
public static class Invariants
{
    /// <summary>All D_i, concatenated (sizes d_1², …, d_H²).</summary>
    public static double[] Compute(NetworkShape shape, ReadOnlySpan<double> weights)
    {
        int total = 0;
        for (int i = 1; i <= shape.Depth; i++) total += shape.Dim(i) * shape.Dim(i);
        var d = new double[total];
        int offset = 0;
        for (int i = 1; i <= shape.Depth; i++)
        {
            int di = shape.Dim(i);
            var block = d.AsSpan(offset, di * di);
            var next = shape.Weight(weights, i + 1);   // d_{i+1} × d_i
            var w = shape.Weight(weights, i);          // d_i × d_{i-1}
            Dense.MultiplyTransposeA(next, next, block, di, shape.Dim(i + 1), di);
            for (int r = 0; r < di; r++)
                for (int c = 0; c < di; c++)
                {
                    double s = 0;
                    for (int p = 0; p < shape.Dim(i - 1); p++) s += w[r * shape.Dim(i - 1) + p] * w[c * shape.Dim(i - 1) + p];
                    block[r * di + c] -= s;
                }
            offset += di * di;
        }
        return d;
    }

    /// <summary>
    /// λ_min and λ_max of each D_i (i = 1..H) of <paramref name="d"/> (as <see cref="Compute"/> returns them): how far
    /// from balanced a state is (Lemma 2.3; D_i = 0 for a balanced start). Symmetric eigensolver (MathNet), off the hot path.
    /// </summary>
    public static (double Min, double Max)[] ExtremeEigenvalues(NetworkShape shape, ReadOnlySpan<double> d)
    {
        var result = new (double, double)[shape.Depth];
        int offset = 0;
        for (int i = 1; i <= shape.Depth; i++)
        {
            int di = shape.Dim(i);
            var eig = Descending(d.Slice(offset, di * di), di);
            result[i - 1] = (eig[^1], eig[0]);
            offset += di * di;
        }
        return result;
    }

    /// <summary>
    /// The eigenvalues of a symmetric n × n block (row-major), largest first. Symmetrised: the two triangles of a D_i
    /// agree only to roundoff, and the symmetric solver (MathNet, off the hot path) reads one.
    /// </summary>
    public static double[] Descending(ReadOnlySpan<double> block, int n)
    {
        var m = Matrix<double>.Build.Dense(n, n);
        for (int r = 0; r < n; r++)
            for (int c = 0; c < n; c++) m[r, c] = 0.5 * (block[r * n + c] + block[c * n + r]);
        var values = m.Evd(Symmetricity.Symmetric).EigenValues.Select(v => v.Real).ToArray();
        Array.Sort(values);
        Array.Reverse(values);
        return values;
    }

    /// <summary>max_i ||D_i(t) − D_i(0)||_F / (1 + ||D_i(0)||_F): a free accuracy certificate of an integrator.</summary>
    public static double Drift(NetworkShape shape, ReadOnlySpan<double> initial, ReadOnlySpan<double> current)
    {
        double worst = 0;
        int offset = 0;
        for (int i = 1; i <= shape.Depth; i++)
        {
            int n = shape.Dim(i) * shape.Dim(i);
            double diff = 0, norm0 = 0;
            for (int k = offset; k < offset + n; k++)
            {
                double e = current[k] - initial[k];
                diff += e * e;
                norm0 += initial[k] * initial[k];
            }
            worst = Math.Max(worst, Math.Sqrt(diff) / (1 + Math.Sqrt(norm0)));
            offset += n;
        }
        return worst;
    }
}
