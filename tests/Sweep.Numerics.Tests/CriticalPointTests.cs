using MathNet.Numerics.LinearAlgebra;
using Sweep.Numerics.Problems;
using Sweep.Numerics.Kernels;
using Sweep.Numerics.Analysis;

namespace Sweep.Numerics.Tests;

public class CriticalPointTests
{
    /// <summary>
    /// Weights with P Cxx^{1/2} = Σ_{i∈S} s_i u_i v_iᵀ: balanced factors s_i^{1/N} along the singular directions,
    /// then every hidden space rotated by a random orthogonal matrix (which changes the weights but not P).
    /// </summary>
    internal static double[] CriticalPoint(LinearNetworkProblem p, int mask, int seed)
    {
        var shape = p.Shape;
        var sp = p.Spectrum;
        int dx = shape.InputDim, dy = shape.OutputDim, layers = shape.Layers;
        var u = Matrix<double>.Build.Dense(dy, dy, (i, j) => sp.U[i * dy + j]);
        var v = Matrix<double>.Build.Dense(dx, dy, (i, j) => sp.V[i * dy + j]);
        var cxx = Matrix<double>.Build.Dense(dx, dx, (i, j) => p.Cxx[i * dx + j]);
        var evd = cxx.Evd(Symmetricity.Symmetric);
        var invSqrt = evd.EigenVectors * Matrix<double>.Build.DenseOfDiagonalVector(evd.EigenValues.Map(c => 1 / Math.Sqrt(c.Real))) * evd.EigenVectors.Transpose();
        var factors = new Matrix<double>[layers + 1];
        for (int l = 1; l <= layers; l++)
        {
            var wl = Matrix<double>.Build.Dense(shape.Dim(l), shape.Dim(l - 1));
            for (int i = 0; i < dy; i++)
            {
                if ((mask & (1 << i)) == 0) continue;
                double f = Math.Pow(sp.SingularValues[i], 1.0 / layers);
                if (l == 1) wl.SetRow(i, f * (invSqrt * v.Column(i)));          // row i: f v_iᵀ Cxx^{-1/2}
                else if (l == layers) wl.SetColumn(i, f * u.Column(i));          // column i: f u_i
                else wl[i, i] = f;
            }
            factors[l] = wl;
        }
        for (int l = 1; l < layers; l++)
        {
            var r = TestProblems.RandomOrthogonal(shape.Dim(l), seed + l);
            factors[l] = r * factors[l];
            factors[l + 1] = factors[l + 1] * r.Transpose();
        }
        var w = p.NewParameters();
        for (int l = 1; l <= layers; l++)
        {
            var block = shape.Weight(w.AsSpan(), l);
            for (int i = 0; i < shape.Dim(l); i++)
                for (int j = 0; j < shape.Dim(l - 1); j++)
                    block[i * shape.Dim(l - 1) + j] = factors[l][i, j];
        }
        return w;
    }

    public static TheoryData<bool, int> Cases() => new() { { false, 1 }, { false, 3 }, { true, 1 }, { true, 2 } };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_subset_gives_a_critical_point_classified_as_itself_at_its_critical_value(bool data, int depth)
    {
        int[] hidden = Enumerable.Range(0, depth).Select(i => 3 + i).ToArray();
        var p = data ? TestProblems.Data(4, 3, 11, 21, whiten: false, hidden) : TestProblems.Canonical([3, 1.5, 0.4], 4, hidden);
        var lg = new LossGradient(p);
        for (int mask = 0; mask < 8; mask++)
        {
            var w = CriticalPoint(p, mask, 40 + mask);
            var g = new double[w.Length];
            double loss = lg.Evaluate(w, g);
            var c = Classifier.Classify(p, w, loss);
            Assert.Equal(mask, c.Mask);
            Assert.Equal(CriticalValues.Label(mask), c.Label);
            Assert.Equal(p.CriticalValues.Value(mask), loss, 9);
            Assert.True(Math.Abs(c.LossGap) < 1e-9 * (1 + p.YNormSquared));
            Assert.True(c.DistanceToCritical < 1e-9 * p.Spectrum.SingularValues[0]);
            Assert.True(Dense.Norm(g) < 1e-9 * p.CyxNorm, $"S = {c.Label}: ||∇L|| = {Dense.Norm(g):E2}");
        }
    }

    [Fact]
    public void Critical_values_follow_the_formula_and_order()
    {
        var cv = new CriticalValues([3, 1.5, 0.4], 1.0);
        Assert.Equal(1.0, cv.GlobalMinimum);
        Assert.Equal(0.5 * 0.16, cv.SaddleGap, 15);
        Assert.Equal(0.5 * 0.16 * (1 - 1e-6), cv.GlobalCertificateLevel, 15);
        Assert.Equal(1.0 + 0.5 * 0.16, cv.Value(0b011), 12);
        Assert.Equal(1.0 + 0.5 * (9 + 2.25 + 0.16), cv.Value(0), 12);
        Assert.Equal("{0,2}", CriticalValues.Label(0b101));
        Assert.Equal("{}", CriticalValues.Label(0));
        Assert.Equal(0b101, CriticalValues.ParseLabel("{0,2}"));
        Assert.Null(CriticalValues.ParseLabel("{0, 2}"));
    }

    [Fact]
    public void Global_minimum_equals_the_least_squares_residual_computed_independently()
    {
        foreach (var seed in new[] { 1, 2, 3 })
        {
            var (x, y) = TestProblems.RandomData(5, 3, 14, seed);
            var p = LinearNetworkProblem.FromData(x, y, [3, 4], whiten: false).Value!;
            var mx = Matrix<double>.Build.DenseOfArray(x);
            var my = Matrix<double>.Build.DenseOfArray(y);
            // P* = argmin ||Y − P X||: solve Xᵀ P*ᵀ = Yᵀ by QR least squares.
            var pStar = mx.Transpose().QR().Solve(my.Transpose()).Transpose();
            double residual = 0.5 * Math.Pow((my - pStar * mx).FrobeniusNorm(), 2);
            Assert.True(residual > 0.01);
            Assert.Equal(residual, p.CriticalValues.GlobalMinimum, 9);
            var whitened = LinearNetworkProblem.FromData(x, y, [3, 4], whiten: true).Value!;
            Assert.Equal(p.CriticalValues.GlobalMinimum, whitened.CriticalValues.GlobalMinimum);
        }
    }
}
