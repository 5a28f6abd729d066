namespace Sweep.Numerics.Problems;

/// <summary>
/// The raw examples of a data problem, example-major (example k's inputs are <c>X[k·d_x .. (k+1)·d_x)</c>, its
/// targets <c>Y[k·d_y .. (k+1)·d_y)</c>): what minibatch SGD samples from. The full-batch statistics are
/// <see cref="Accumulate"/> over every example in order, so a minibatch holding all examples in ascending order has the
/// full-batch statistics bit for bit.
/// </summary>
public sealed class DataExamples
{
    public DataExamples(int inputDim, int outputDim, double[] x, double[] y)
    {
        if (inputDim < 1 || outputDim < 1 || x.Length % inputDim != 0 || y.Length != x.Length / inputDim * outputDim)
            throw new ArgumentException("example arrays do not match d_x and d_y");
        InputDim = inputDim;
        OutputDim = outputDim;
        Count = x.Length / inputDim;
        X = x;
        Y = y;
    }

    public int InputDim { get; }
    public int OutputDim { get; }
    /// <summary>m, the number of examples.</summary>
    public int Count { get; }
    /// <summary>m × d_x, example-major.</summary>
    public double[] X { get; }
    /// <summary>m × d_y, example-major.</summary>
    public double[] Y { get; }

    /// <summary>From X (d_x × m) and Y (d_y × m), one column per example, as the campaign's CSV files hold them.</summary>
    public static DataExamples FromColumns(double[,] x, double[,] y)
    {
        int dx = x.GetLength(0), dy = y.GetLength(0), m = x.GetLength(1);
        if (y.GetLength(1) != m) throw new ArgumentException("X and Y must have the same number of columns");
        var xs = new double[m * dx];
        var ys = new double[m * dy];
        for (int k = 0; k < m; k++)
        {
            for (int i = 0; i < dx; i++) xs[k * dx + i] = x[i, k];
            for (int i = 0; i < dy; i++) ys[k * dy + i] = y[i, k];
        }
        return new DataExamples(dx, dy, xs, ys);
    }

    /// <summary>Cxx = X Xᵀ and Cyx = Y Xᵀ (row-major) over every example, in order.</summary>
    public (double[] Cxx, double[] Cyx) Covariances()
    {
        var cxx = new double[InputDim * InputDim];
        var cyx = new double[OutputDim * InputDim];
        for (int k = 0; k < Count; k++) Add(k, cxx, cyx);
        return (cxx, cyx);
    }

    /// <summary>
    /// Cxx = Σ x_k x_kᵀ and Cyx = Σ y_k x_kᵀ (row-major) over the examples <paramref name="examples"/>, summed in the
    /// order given (each entry one running sum from zero, no fused multiply-add). Allocates nothing.
    /// </summary>
    public void Accumulate(ReadOnlySpan<int> examples, Span<double> cxx, Span<double> cyx)
    {
        cxx.Clear();
        cyx.Clear();
        foreach (int k in examples) Add(k, cxx, cyx);
    }

    private void Add(int k, Span<double> cxx, Span<double> cyx)
    {
        int dx = InputDim, dy = OutputDim;
        ReadOnlySpan<double> xk = X.AsSpan(k * dx, dx), yk = Y.AsSpan(k * dy, dy);
        for (int i = 0; i < dx; i++)
        {
            double xi = xk[i];
            var row = cxx.Slice(i * dx, dx);
            for (int j = 0; j < dx; j++) row[j] += xi * xk[j];
        }
        for (int i = 0; i < dy; i++)
        {
            double yi = yk[i];
            var row = cyx.Slice(i * dx, dx);
            for (int j = 0; j < dx; j++) row[j] += yi * xk[j];
        }
    }
}
