namespace Sweep.Numerics.Sampling;

/// <summary>
/// Haar-distributed orthonormal frames: the Gram–Schmidt orthonormalisation (applied twice, for accuracy) of iid
/// N(0, 1) vectors, which is the Q of a QR factorisation with a positive diagonal R and therefore uniformly distributed
/// on the Stiefel manifold. Plain arithmetic and square roots only, so the same bits on every machine.
/// </summary>
public static class HaarFrame
{
    /// <summary>
    /// Fills <paramref name="m"/> (rows × cols, row-major) with a Haar frame drawn from <paramref name="stream"/> in
    /// row-major order: orthonormal columns when rows ≥ cols, orthonormal rows otherwise.
    /// </summary>
    public static void Draw(SampleStream stream, Span<double> m, int rows, int cols)
    {
        for (int k = 0; k < rows * cols; k++) m[k] = stream.NextGaussian();
        if (rows >= cols) OrthonormaliseColumns(m, rows, cols);
        else OrthonormaliseRows(m, rows, cols);
    }

    private static void OrthonormaliseColumns(Span<double> m, int rows, int cols)
    {
        for (int j = 0; j < cols; j++)
        {
            for (int pass = 0; pass < 2; pass++)
                for (int p = 0; p < j; p++)
                {
                    double dot = 0;
                    for (int r = 0; r < rows; r++) dot += m[r * cols + p] * m[r * cols + j];
                    for (int r = 0; r < rows; r++) m[r * cols + j] -= dot * m[r * cols + p];
                }
            double norm = 0;
            for (int r = 0; r < rows; r++) norm += m[r * cols + j] * m[r * cols + j];
            norm = Math.Sqrt(norm);
            for (int r = 0; r < rows; r++) m[r * cols + j] /= norm;
        }
    }

    private static void OrthonormaliseRows(Span<double> m, int rows, int cols)
    {
        for (int i = 0; i < rows; i++)
        {
            var row = m.Slice(i * cols, cols);
            for (int pass = 0; pass < 2; pass++)
                for (int p = 0; p < i; p++)
                {
                    var other = m.Slice(p * cols, cols);
                    double dot = 0;
                    for (int c = 0; c < cols; c++) dot += other[c] * row[c];
                    for (int c = 0; c < cols; c++) row[c] -= dot * other[c];
                }
            double norm = 0;
            for (int c = 0; c < cols; c++) norm += row[c] * row[c];
            norm = Math.Sqrt(norm);
            for (int c = 0; c < cols; c++) row[c] /= norm;
        }
    }
}
