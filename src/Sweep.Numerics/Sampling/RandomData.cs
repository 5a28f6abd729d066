namespace Sweep.Numerics.Sampling;

/// <summary>
/// A random data set for <c>problem.kind = "random"</c>: X (d_x × m) with entries iid N(0, 1/m), so that X Xᵀ ≈ I, and
/// Y (d_y × m) with entries iid N(0, 1), so that the singular values of Cyx Cxx^{-1/2} = Y Xᵀ (X Xᵀ)^{-1/2} are those of
/// a d_y × d_x standard Gaussian matrix (≈ √d_x ± √d_y, whatever m). Drawn from the counter-based stream of
/// (campaign seed, replica) alone — the stream of point −1, sample = replica, which no sample's start uses — X row by
/// row, then Y row by row; so every point of a campaign with the same replica and shapes sees the same data.
/// </summary>
public static class RandomData
{
    /// <summary>The stream's point coordinate: no parameter point has this index (points are numbered from 0).</summary>
    private const int DataPoint = -1;

    public static (double[,] X, double[,] Y) Draw(long seed, long replica, int inputDim, int outputDim, int examples)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(replica);
        var stream = new SampleStream(seed, DataPoint, replica);
        var x = new double[inputDim, examples];
        var y = new double[outputDim, examples];
        double xScale = 1 / Math.Sqrt(examples);
        for (int i = 0; i < inputDim; i++)
            for (int j = 0; j < examples; j++) x[i, j] = xScale * stream.NextGaussian();
        for (int i = 0; i < outputDim; i++)
            for (int j = 0; j < examples; j++) y[i, j] = stream.NextGaussian();
        return (x, y);
    }

    /// <summary>
    /// The smallest gap between consecutive singular values relative to the largest, min_i (s_i − s_{i+1}) / s_0 with
    /// s_{d_y} = 0 (so a value near zero counts too): how close a draw is to the degenerate data the paper excludes.
    /// </summary>
    public static double SmallestRelativeGap(IReadOnlyList<double> s)
    {
        double gap = double.PositiveInfinity;
        for (int i = 0; i < s.Count; i++) gap = Math.Min(gap, (s[i] - (i + 1 < s.Count ? s[i + 1] : 0)) / s[0]);
        return gap;
    }
}
