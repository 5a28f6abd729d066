using Sweep.Numerics.Kernels;
using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Tests;

/// <summary>
/// The global certificate L − L_min &lt; (L_2 − δ) − L_min is only as good as the loss evaluation: its error must be far
/// below δ. Checked against an evaluation in 28-digit decimal arithmetic of the same (double) weights and data.
/// </summary>
public class LossAccuracyTests
{
    /// <summary>x to decimal keeping ~28 significant digits (the built-in conversion keeps 15).</summary>
    internal static decimal D(double x)
    {
        if (x == 0) return 0;
        long bits = BitConverter.DoubleToInt64Bits(x);
        int e = (int)(bits >> 52) & 0x7FF;
        long m = bits & 0xFFFFFFFFFFFFFL;
        if (e == 0) e = 1; else m |= 1L << 52;
        decimal d = m;
        for (int p = e - 1075; p > 0; p--) d *= 2;
        for (int p = e - 1075; p < 0; p++) d /= 2;
        return bits < 0 ? -d : d;
    }

    private static decimal[] Multiply(decimal[] a, decimal[] b, int m, int k, int n)
    {
        var c = new decimal[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                decimal s = 0;
                for (int p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
                c[i * n + j] = s;
            }
        return c;
    }

    internal static decimal[] Inverse(decimal[] a, int n)
    {
        var m = (decimal[])a.Clone();
        var inv = new decimal[n * n];
        for (int i = 0; i < n; i++) inv[i * n + i] = 1;
        for (int c = 0; c < n; c++)
        {
            int piv = Enumerable.Range(c, n - c).MaxBy(r => Math.Abs(m[r * n + c]));
            for (int j = 0; j < n; j++) { (m[c * n + j], m[piv * n + j]) = (m[piv * n + j], m[c * n + j]); (inv[c * n + j], inv[piv * n + j]) = (inv[piv * n + j], inv[c * n + j]); }
            decimal d = m[c * n + c];
            for (int j = 0; j < n; j++) { m[c * n + j] /= d; inv[c * n + j] /= d; }
            for (int r = 0; r < n; r++)
            {
                if (r == c) continue;
                decimal f = m[r * n + c];
                for (int j = 0; j < n; j++) { m[r * n + j] -= f * m[c * n + j]; inv[r * n + j] -= f * inv[c * n + j]; }
            }
        }
        return inv;
    }

    /// <summary>L − L_min = ½ tr(E Cxx⁻¹ Eᵀ), E = P Cxx − Cyx, all in decimal from the double weights and data.</summary>
    private static decimal Gap(LinearNetworkProblem p, double[] w)
    {
        var shape = p.Shape;
        int dx = shape.InputDim, dy = shape.OutputDim;
        var prod = shape.Weight(w.AsSpan(), 1).ToArray().Select(D).ToArray();
        for (int i = 2; i <= shape.Layers; i++)
            prod = Multiply(shape.Weight(w.AsSpan(), i).ToArray().Select(D).ToArray(), prod, shape.Dim(i), shape.Dim(i - 1), dx);
        var cxx = p.Cxx.Select(D).ToArray();
        var e = Multiply(prod, cxx, dy, dx, dx);
        for (int k = 0; k < e.Length; k++) e[k] -= D(p.Cyx[k]);
        var f = p.IdentityCovariance ? e : Multiply(e, Inverse(cxx, dx), dy, dx, dx);
        decimal t = 0;
        for (int k = 0; k < e.Length; k++) t += e[k] * f[k];
        return t / 2;
    }

    private static IEnumerable<(string Name, LinearNetworkProblem Problem, double[] Weights)> States()
    {
        double[] sigmas = [3, 1.5, 0.4];
        for (int depth = 1; depth <= 4; depth++)
        {
            var hidden = Enumerable.Repeat(4 + depth, depth).ToArray();
            var canonical = TestProblems.Canonical(sigmas, 4, hidden);
            var data = TestProblems.Data(4, 3, 15, 30 + depth, whiten: false, hidden);
            foreach (var p in new[] { canonical, data })
            {
                foreach (var scale in new[] { 0.01, 0.1, 0.5, 1.0, 1.5 })
                    for (int s = 0; s < 5; s++) yield return ($"H={depth} scale {scale}", p, TestProblems.RandomWeights(p, scale, 100 * depth + s));
                // At and around the saddle {0,1} whose value is L_2, the threshold: rotated hidden bases make the products cancel.
                for (int s = 0; s < 5; s++)
                {
                    var w = CriticalPointTests.CriticalPoint(p, 0b011, 7 * s + depth);
                    var noise = TestProblems.RandomWeights(p, 1e-3 * s, s);
                    for (int k = 0; k < w.Length; k++) w[k] += noise[k];
                    yield return ($"H={depth} near L_2", p, w);
                    // Imbalanced: W_1 × 8, W_2 / 8 leaves P unchanged and makes the weights larger.
                    var v = (double[])w.Clone();
                    foreach (ref var x in p.Shape.Weight(v.AsSpan(), 1)) x *= 8;
                    foreach (ref var x in p.Shape.Weight(v.AsSpan(), 2)) x /= 8;
                    yield return ($"H={depth} near L_2, imbalanced", p, v);
                }
            }
        }
    }

    [Fact]
    public void The_loss_gap_is_evaluated_far_more_accurately_than_the_certificate_margin()
    {
        // The comparison gap < level can only go wrong when the error reaches |gap − level| + δ: bound the error by a
        // thousandth of that. Near L_2 (|gap − level| ≈ δ) this is a thousandth of δ; far above, the relative error of
        // a large gap is harmless.
        double worst = 0, worstNear = 0;
        string worstName = "";
        foreach (var (name, p, w) in States())
        {
            var cv = p.CriticalValues;
            double gap = new LossGradient(p).Loss(w) - cv.GlobalMinimum;   // what the monitor compares
            double truth = (double)Gap(p, w);
            double err = Math.Abs(gap - truth);
            double ratio = err / (cv.CertificateMargin + Math.Abs(truth - cv.GlobalCertificateLevel));
            if (ratio > worst) (worst, worstName) = (ratio, name);
            if (name.Contains("near L_2")) worstNear = Math.Max(worstNear, err / cv.CertificateMargin);
        }
        Assert.True(worst < 1e-3, $"evaluation error {worst:E2}·(δ + |gap − level|) at {worstName}");
        Assert.True(worstNear < 1e-3, $"evaluation error {worstNear:E2}·δ near L_2");
    }

    [Fact]
    public void The_global_minimum_is_the_least_squares_residual_without_cancellation()
    {
        // Targets almost exactly linear in the inputs: the residual is ~10⁻¹¹ against ½||Y||² ~ 10², where
        // ½||Y||² − ½Σs² would keep no correct digit.
        var rng = new Random(3);
        int dx = 5, dy = 3, m = 30;
        var x = new double[dx, m];
        var y = new double[dy, m];
        for (int c = 0; c < m; c++)
        {
            for (int j = 0; j < dx; j++) x[j, c] = rng.NextDouble() * 2 - 1;
            for (int i = 0; i < dy; i++)
            {
                double s = 0;
                for (int j = 0; j < dx; j++) s += (i == j ? 3.0 * (dy - i) : 0.3 * (i - j)) * x[j, c];
                y[i, c] = s + 1e-6 * (rng.NextDouble() - 0.5);
            }
        }
        // Truth in decimal: B = Y Xᵀ (X Xᵀ)⁻¹, ½||Y − B X||².
        var xd = new decimal[dx * m];
        var yd = new decimal[dy * m];
        for (int j = 0; j < dx; j++) for (int c = 0; c < m; c++) xd[j * m + c] = D(x[j, c]);
        for (int i = 0; i < dy; i++) for (int c = 0; c < m; c++) yd[i * m + c] = D(y[i, c]);
        var xt = new decimal[m * dx];
        for (int j = 0; j < dx; j++) for (int c = 0; c < m; c++) xt[c * dx + j] = xd[j * m + c];
        var b = Multiply(Multiply(yd, xt, dy, m, dx), Inverse(Multiply(xd, xt, dx, m, dx), dx), dy, dx, dx);
        var bx = Multiply(b, xd, dy, dx, m);
        decimal r = 0;
        for (int k = 0; k < bx.Length; k++) r += (yd[k] - bx[k]) * (yd[k] - bx[k]);
        double truth = (double)(r / 2);

        double residual = LinearNetworkProblem.LeastSquaresResidual(x, y);
        Assert.True(Math.Abs(residual - truth) < 1e-6 * truth, $"residual {residual:R} vs {truth:R}");
        var p = LinearNetworkProblem.FromData(x, y, [3], whiten: false).Value!;
        Assert.Equal(residual, p.CriticalValues.GlobalMinimum);
        // Critical values sit above it by exactly ½ Σ_{i∉S} s_i².
        double s2 = p.Spectrum.SingularValues[2];
        Assert.Equal(residual + 0.5 * s2 * s2, p.CriticalValues.Value(0b011));
        var (cxx, cyx, yy) = LinearNetworkProblem.Covariances(x, y);
        double old = LinearNetworkProblem.GlobalMinimumFromSpectrum(cxx, cyx, yy, dx, dy);
        Assert.True(Math.Abs(old - truth) > 100 * Math.Abs(residual - truth), $"old formula {old:R}, truth {truth:R}: the test shows nothing");
    }
}
