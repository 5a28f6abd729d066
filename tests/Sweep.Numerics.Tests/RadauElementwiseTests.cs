using Sweep.Numerics.Integration;
using Xunit;

namespace Sweep.Numerics.Tests;

/// <summary>
/// <see cref="RadauElementwise"/>'s SIMD loops against the one-element formulas RADAU5 writes (products and sums
/// separate, left to right), bit for bit, at sizes below, at and across every vector width's edge. The suite runs these
/// at 512 bits, and again at 256 bits (DOTNET_EnableAVX512=0) in .ci/run.
/// </summary>
public class RadauElementwiseTests
{
    public static TheoryData<int> Sizes => new() { 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 80, 96, 101 };

    private static readonly RadauElementwise.Transform M = new(0.3, -1.7, 2.9, 4.1, -0.7, 0.11, -3.3, 1.3, 0.6);

    private static double[] Random(Random r, int n, double scale = 1)
    {
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = scale * (r.NextDouble() * 2 - 1) * Math.Pow(10, r.Next(-6, 7));
        return x;
    }

    private static void Same(double[] expected, double[] actual)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.DoubleToInt64Bits(expected[i]) == BitConverter.DoubleToInt64Bits(actual[i]), $"element {i}: {expected[i]:R} vs {actual[i]:R}");
    }

    [Theory, MemberData(nameof(Sizes))]
    public void Newton_residual_and_accumulation_equal_the_one_element_forms(int n)
    {
        var r = new Random(n);
        double[] z1 = Random(r, n), z2 = Random(r, n), z3 = Random(r, n), f1 = Random(r, n), f2 = Random(r, n), f3 = Random(r, n);
        double fac1 = 3.7, alphn = 2.1, betan = -1.9;
        var (e1, e2, e3) = (new double[n], new double[n], new double[n]);
        for (int i = 0; i < n; i++)
        {
            double a1 = z1[i], a2 = z2[i], a3 = z3[i];
            e1[i] = M.A11 * a1 + M.A12 * a2 + M.A13 * a3 - f1[i] * fac1;
            e2[i] = M.A21 * a1 + M.A22 * a2 + M.A23 * a3 - f2[i] * alphn + f3[i] * betan;
            e3[i] = M.A31 * a1 + M.A32 * a2 + M.A33 * a3 - f3[i] * alphn - f2[i] * betan;
        }
        RadauElementwise.NewtonResidual(fac1, alphn, betan, M, z1, z2, z3, f1, f2, f3);
        Same(e1, z1); Same(e2, z2); Same(e3, z3);

        var (g1, g2, g3, w1, w2, w3) = ((double[])f1.Clone(), (double[])f2.Clone(), (double[])f3.Clone(), new double[n], new double[n], new double[n]);
        for (int i = 0; i < n; i++)
        {
            double a = g1[i] + z1[i], b = g2[i] + z2[i], c = g3[i] + z3[i];
            g1[i] = a; g2[i] = b; g3[i] = c;
            w1[i] = M.A11 * a + M.A12 * b + M.A13 * c;
            w2[i] = M.A21 * a + M.A22 * b + M.A23 * c;
            w3[i] = M.A31 * a + b;
        }
        RadauElementwise.Accumulate(M, z1, z2, z3, f1, f2, f3);
        Same(g1, f1); Same(g2, f2); Same(g3, f3); Same(w1, z1); Same(w2, z2); Same(w3, z3);
    }

    [Theory, MemberData(nameof(Sizes))]
    public void Extrapolation_and_acceptance_equal_the_one_element_forms(int n)
    {
        var r = new Random(1000 + n);
        double[] k1 = Random(r, n), k2 = Random(r, n), k3 = Random(r, n), y = Random(r, n);
        double c1q = 0.37, c2q = 1.19, c3q = 1.3, c2m1 = -0.35, c1m1 = -0.84;
        var (e1, e2, e3, g1, g2, g3) = (new double[n], new double[n], new double[n], new double[n], new double[n], new double[n]);
        for (int i = 0; i < n; i++)
        {
            double ak1 = k1[i], ak2 = k2[i], ak3 = k3[i];
            e1[i] = c1q * (ak1 + (c1q - c2m1) * (ak2 + (c1q - c1m1) * ak3));
            e2[i] = c2q * (ak1 + (c2q - c2m1) * (ak2 + (c2q - c1m1) * ak3));
            e3[i] = c3q * (ak1 + (c3q - c2m1) * (ak2 + (c3q - c1m1) * ak3));
            g1[i] = M.A11 * e1[i] + M.A12 * e2[i] + M.A13 * e3[i];
            g2[i] = M.A21 * e1[i] + M.A22 * e2[i] + M.A23 * e3[i];
            g3[i] = M.A31 * e1[i] + M.A32 * e2[i] + M.A33 * e3[i];
        }
        var (z1, z2, z3, f1, f2, f3) = (new double[n], new double[n], new double[n], new double[n], new double[n], new double[n]);
        var nodes = new RadauElementwise.Nodes(c1q, c1q - c2m1, c1q - c1m1, c2q, c2q - c2m1, c2q - c1m1, c3q, c3q - c2m1, c3q - c1m1);
        RadauElementwise.Extrapolate(nodes, M, k1, k2, k3, z1, z2, z3, f1, f2, f3);
        Same(e1, z1); Same(e2, z2); Same(e3, z3); Same(g1, f1); Same(g2, f2); Same(g3, f3);

        var c = new RadauElementwise.Collocation(c2m1, -0.49, 0.155, 0.645, c1m1);
        var (ey, n1, n2, n3) = ((double[])y.Clone(), new double[n], new double[n], new double[n]);
        for (int i = 0; i < n; i++)
        {
            double z1i = z1[i], z2i = z2[i], z3i = z3[i];
            ey[i] += z3i;
            double cont1 = (z2i - z3i) / c.C2M1;
            double ak = (z1i - z2i) / c.C1MC2;
            double acont3 = (ak - z1i / c.C1) / c.C2;
            double cont2 = (ak - cont1) / c.C1M1;
            n1[i] = cont1; n2[i] = cont2; n3[i] = cont2 - acont3;
        }
        RadauElementwise.Accept(c, y, z1, z2, z3, k1, k2, k3);
        Same(ey, y); Same(n1, k1); Same(n2, k2); Same(n3, k3);
    }

    [Theory, MemberData(nameof(Sizes))]
    public void Scales_norms_and_the_error_rhs_equal_the_one_element_forms(int n)
    {
        var r = new Random(2000 + n);
        double[] y = Random(r, n), z1 = Random(r, n), z2 = Random(r, n), z3 = Random(r, n), y0 = Random(r, n);
        y[0] = -0.0;
        double atol = 1.3e-9, rtol = 2.7e-6;
        var scal = new double[n];
        var expected = new double[n];
        for (int i = 0; i < n; i++) expected[i] = atol + rtol * Math.Abs(y[i]);
        RadauElementwise.Scale(atol, rtol, y, scal);
        Same(expected, scal);

        double dyno = 0, one = 0;
        for (int i = 0; i < n; i++)
        {
            double d = scal[i];
            double a = z1[i] / d, b = z2[i] / d, c = z3[i] / d;
            dyno += a * a + b * b + c * c;
            double q = z1[i] / scal[i];
            one += q * q;
        }
        var squares = new double[n];
        Same([dyno], [RadauElementwise.ScaledSquares(z1, z2, z3, scal, squares)]);
        Same([one], [RadauElementwise.ScaledSquares(z1, scal, squares)]);

        double h1 = -4.1, h2 = 0.77, h3 = -0.33;
        var (ee, es, e, sum) = (new double[n], new double[n], new double[n], new double[n]);
        for (int i = 0; i < n; i++)
        {
            ee[i] = h1 * z1[i] + h2 * z2[i] + h3 * z3[i];
            es[i] = ee[i] + y0[i];
        }
        RadauElementwise.ErrorRhs(h1, h2, h3, z1, z2, z3, y0, e, sum);
        Same(ee, e); Same(es, sum);
    }

    [Fact]
    public void A_buffer_shorter_than_the_loop_is_refused_instead_of_read_or_written_past_its_end()
    {
        // The vector loads and stores check only a vector's first index: a short buffer must be caught before the loop.
        double[] n17 = new double[17], n16 = new double[16];
        Assert.Throws<ArgumentException>(() => RadauElementwise.Scale(1e-9, 1e-6, n17, n16));
        Assert.Throws<ArgumentException>(() => RadauElementwise.ScaledSquares(n17, n17, n16));
        Assert.Throws<ArgumentException>(() => RadauElementwise.Accumulate(M, n17, n17, n16, n17, n17, n17));
        Assert.Throws<ArgumentException>(() => RadauElementwise.Accept(new(1, 1, 1, 1, 1), n17, n17, n17, n17, n17, n16, n17));
    }
}
