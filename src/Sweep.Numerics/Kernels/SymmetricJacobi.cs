namespace Sweep.Numerics.Kernels;

/// <summary>
/// Eigenvalues of a small symmetric matrix by cyclic Jacobi rotations, in place and without allocation: backward stable
/// (each computed eigenvalue within a few ulps of ‖A‖ of an exact one), for the d_i × d_i invariants off the hot path.
/// </summary>
public static class SymmetricJacobi
{
    /// <summary>λ_min and λ_max of the n × n symmetric <paramref name="a"/> (row-major; overwritten: its diagonal ends as the eigenvalues).</summary>
    public static (double Min, double Max) Extremes(Span<double> a, int n)
    {
        for (int sweep = 0; sweep < 60; sweep++)
        {
            double off = 0, diag = 0;
            for (int r = 0; r < n; r++)
            {
                diag += a[r * n + r] * a[r * n + r];
                for (int c = r + 1; c < n; c++) off += a[r * n + c] * a[r * n + c];
            }
            if (off <= 1e-32 * diag || off == 0) break;
            for (int p = 0; p < n - 1; p++)
                for (int q = p + 1; q < n; q++)
                {
                    double apq = a[p * n + q];
                    if (apq == 0) continue;
                    double theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
                    double t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < n; k++)
                    {
                        double akp = a[k * n + p], akq = a[k * n + q];
                        a[k * n + p] = c * akp - s * akq;
                        a[k * n + q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double apk = a[p * n + k], aqk = a[q * n + k];
                        a[p * n + k] = c * apk - s * aqk;
                        a[q * n + k] = s * apk + c * aqk;
                    }
                }
        }
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (int r = 0; r < n; r++)
        {
            lo = Math.Min(lo, a[r * n + r]);
            hi = Math.Max(hi, a[r * n + r]);
        }
        // The rotations' rounding: widen by a few ulps of the matrix's size so bounds built on these stay bounds.
        double slack = 1e-13 * Math.Max(Math.Abs(lo), Math.Abs(hi));
        return (lo - slack, hi + slack);
    }
}
