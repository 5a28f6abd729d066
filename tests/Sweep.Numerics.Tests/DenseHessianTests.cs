using Sweep.Numerics.Analysis;

namespace Sweep.Numerics.Tests;

/// <summary>The structured dense Hessian against the Hessian–vector products of <see cref="Hessian"/> (themselves checked against finite differences).</summary>
public class DenseHessianTests
{
    [Theory]
    [InlineData(false, new[] { 4 })]
    [InlineData(false, new[] { 5, 3, 4 })]
    [InlineData(true, new[] { 4, 6 })]
    [InlineData(true, new[] { 3, 3, 3, 5 })]
    public void Columns_equal_exact_hessian_vector_products(bool data, int[] hidden)
    {
        var p = data ? TestProblems.Data(4, 3, 30, 7, false, hidden) : TestProblems.Canonical([3, 1.5, 0.4], 4, hidden);
        var w = TestProblems.RandomWeights(p, 0.8, 5);
        int n = p.Shape.ParameterCount;
        var h = new double[n * n];
        new DenseHessian(p).Assemble(w, h);
        var reference = new Hessian(p).At(w).Dense();
        double scale = reference.Enumerate().Max(Math.Abs);
        for (int r = 0; r < n; r++)
            for (int c = 0; c < n; c++)
            {
                Assert.True(Math.Abs(h[r * n + c] - reference[r, c]) <= 1e-13 * scale, $"({r}, {c}): {h[r * n + c]} vs {reference[r, c]}");
                Assert.Equal(h[r * n + c], h[c * n + r]);
            }
    }
}
