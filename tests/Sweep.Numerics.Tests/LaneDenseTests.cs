using Sweep.Numerics.Kernels;

namespace Sweep.Numerics.Tests;

/// <summary>
/// The blocked products against the definition: every element of every lane is fma(â_ip, b̂_pj, ·) from zero over
/// ascending p, bit for bit, for shapes that reach every block and remainder (4×4, 4×3, the 2×4 blocks after 4×3 ones,
/// 2×4, single columns and rows). The register count is fixed per CPU (and by DOTNET_EnableAVX512=0), so each run checks
/// the block shapes of its own machine.
/// </summary>
public class LaneDenseTests
{
    private enum Form { Plain, TransposeA, TransposeB }

    [Fact]
    public void ProductsAreAscendingFmaChainsInEveryLane()
    {
        Check<ScalarLane>();
        Check<Vector256Lane>();
        Check<Vector512Lane>();
    }

    private static void Check<T>() where T : struct, ILane<T>
    {
        var rng = new Random(17);
        int w = T.Width;
        foreach (int m in new[] { 1, 2, 3, 4, 5, 8, 9, 16 })
            foreach (int k in new[] { 1, 5, 16 })
                foreach (int n in new[] { 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 16, 17 })
                    foreach (var form in new[] { Form.Plain, Form.TransposeA, Form.TransposeB })
                    {
                        var a = new double[m * k * w];
                        var b = new double[k * n * w];
                        for (int i = 0; i < a.Length; i++) a[i] = rng.NextDouble() * 2 - 1;
                        for (int i = 0; i < b.Length; i++) b[i] = rng.NextDouble() * 2 - 1;
                        var c = new double[m * n * w];
                        switch (form)
                        {
                            case Form.Plain: LaneDense<T>.Multiply(a, b, c, m, k, n); break;
                            case Form.TransposeA: LaneDense<T>.MultiplyTransposeA(a, b, c, m, k, n); break;
                            default: LaneDense<T>.MultiplyTransposeB(a, b, c, m, k, n); break;
                        }
                        for (int lane = 0; lane < w; lane++)
                            for (int i = 0; i < m; i++)
                                for (int j = 0; j < n; j++)
                                {
                                    double expected = 0;
                                    for (int p = 0; p < k; p++)
                                    {
                                        // Element-major, lane-minor: element e of this lane at [e·w + lane].
                                        int ae = form == Form.TransposeA ? p * m + i : i * k + p;
                                        int be = form == Form.TransposeB ? j * k + p : p * n + j;
                                        expected = Math.FusedMultiplyAdd(a[ae * w + lane], b[be * w + lane], expected);
                                    }
                                    double got = c[(i * n + j) * w + lane];
                                    Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(got),
                                        $"{typeof(T).Name} {form} m={m} k={k} n={n} lane {lane} C[{i},{j}]: {got:R} != {expected:R}");
                                }
                    }
    }
}
