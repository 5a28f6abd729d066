using MathNet.Numerics.LinearAlgebra;

namespace Sweep.Numerics.Problems;

/// <summary>
/// The SVD M = Cyx Cxx^{-1/2} = U diag(s) Vᵀ (s decreasing), with Cxx^{1/2} for the classification rule.
/// U is d_y × d_y, V is d_x × d_y (its first d_y right singular vectors), all row-major.
/// </summary>
public sealed class Spectrum
{
    public Spectrum(double[] singularValues, double[] u, double[] v, double[] covarianceSqrt, int outputDim, int inputDim)
    {
        SingularValues = singularValues;
        U = u;
        V = v;
        CovarianceSqrt = covarianceSqrt;
        OutputDim = outputDim;
        InputDim = inputDim;
    }

    public double[] SingularValues { get; }
    public double[] U { get; }
    public double[] V { get; }
    /// <summary>Cxx^{1/2}, d_x × d_x.</summary>
    public double[] CovarianceSqrt { get; }
    public int OutputDim { get; }
    public int InputDim { get; }

    public static Spectrum Canonical(IReadOnlyList<double> sigmas, int inputDim)
    {
        int dy = sigmas.Count;
        var u = new double[dy * dy];
        var v = new double[inputDim * dy];
        for (int i = 0; i < dy; i++) { u[i * dy + i] = 1; v[i * dy + i] = 1; }
        return new Spectrum(sigmas.ToArray(), u, v, Identity(inputDim), dy, inputDim);
    }

    /// <summary>General case via MathNet (off the hot path). Cxx must be symmetric positive definite.</summary>
    public static Spectrum FromCovariances(Matrix<double> cxx, Matrix<double> cyx)
    {
        int dx = cxx.RowCount, dy = cyx.RowCount;
        var evd = cxx.Evd(Symmetricity.Symmetric);
        var q = evd.EigenVectors;
        var lambda = evd.EigenValues.Map(c => c.Real);
        var sqrt = q * Matrix<double>.Build.DenseOfDiagonalVector(lambda.Map(Math.Sqrt)) * q.Transpose();
        var invSqrt = q * Matrix<double>.Build.DenseOfDiagonalVector(lambda.Map(l => 1 / Math.Sqrt(l))) * q.Transpose();
        var m = cyx * invSqrt;
        var svd = m.Svd(computeVectors: true);
        var s = svd.S.Take(dy).ToArray();
        var u = svd.U;                       // dy × dy
        var v = svd.VT.Transpose().SubMatrix(0, dx, 0, dy);
        // Sign convention: make the largest |entry| of each u_i positive, flipping v_i with it, so that
        // results do not depend on LAPACK's arbitrary signs.
        for (int i = 0; i < dy; i++)
        {
            var col = u.Column(i);
            if (col[col.AbsoluteMaximumIndex()] < 0)
            {
                u.SetColumn(i, -col);
                v.SetColumn(i, -v.Column(i));
            }
        }
        return new Spectrum(s, RowMajor(u), RowMajor(v), RowMajor(sqrt), dy, dx);
    }

    internal static double[] Identity(int n)
    {
        var a = new double[n * n];
        for (int i = 0; i < n; i++) a[i * n + i] = 1;
        return a;
    }

    internal static double[] RowMajor(Matrix<double> m)
    {
        var a = new double[m.RowCount * m.ColumnCount];
        for (int i = 0; i < m.RowCount; i++)
            for (int j = 0; j < m.ColumnCount; j++)
                a[i * m.ColumnCount + j] = m[i, j];
        return a;
    }
}
