namespace Sweep.Numerics.Problems;

/// <summary>
/// Widths d_0 = d_x, d_1..d_H, d_{H+1} = d_y of a deep linear network, and where each weight matrix
/// W_i (d_i × d_{i-1}, row-major) lives in the one contiguous parameter buffer of a trajectory.
/// </summary>
public sealed class NetworkShape
{
    private readonly int[] _dims;
    private readonly int[] _offsets;

    public NetworkShape(int inputDim, IReadOnlyList<int> hidden, int outputDim)
    {
        if (hidden.Count < 1) throw new ArgumentException("a deep linear network needs at least one hidden layer", nameof(hidden));
        _dims = new int[hidden.Count + 2];
        _dims[0] = inputDim;
        for (int i = 0; i < hidden.Count; i++) _dims[i + 1] = hidden[i];
        _dims[^1] = outputDim;
        _offsets = new int[Layers + 1];
        for (int i = 1; i <= Layers; i++) _offsets[i] = _offsets[i - 1] + _dims[i] * _dims[i - 1];
    }

    /// <summary>Number of hidden layers H.</summary>
    public int Depth => _dims.Length - 2;
    /// <summary>Number of weight matrices H + 1.</summary>
    public int Layers => _dims.Length - 1;
    public int InputDim => _dims[0];
    public int OutputDim => _dims[^1];
    public int ParameterCount => _offsets[^1];
    public int MaxWidth => _dims.Max();
    /// <summary>d_i for i = 0..H+1.</summary>
    public int Dim(int i) => _dims[i];
    public IReadOnlyList<int> Dims => _dims;

    /// <summary>Offset of W_i (i = 1..H+1) in the parameter buffer.</summary>
    public int Offset(int layer) => _offsets[layer - 1];
    public int Size(int layer) => _dims[layer] * _dims[layer - 1];

    public Span<double> Weight(Span<double> parameters, int layer) => parameters.Slice(Offset(layer), Size(layer));
    public ReadOnlySpan<double> Weight(ReadOnlySpan<double> parameters, int layer) => parameters.Slice(Offset(layer), Size(layer));

    /// <summary>Multiply-adds of one loss-and-gradient evaluation (prefix, backward and gradient products).</summary>
    public long MultiplyAddsPerGradient(bool identityCovariance)
    {
        long dx = InputDim, total = 0;
        for (int i = 2; i <= Layers; i++) total += (long)_dims[i] * _dims[i - 1] * dx;      // prefix products
        for (int i = 1; i < Layers; i++) total += (long)_dims[i] * _dims[i + 1] * dx;       // backward pass
        for (int i = 2; i <= Layers; i++) total += (long)_dims[i] * dx * _dims[i - 1];      // layer gradients
        if (!identityCovariance) total += 2L * OutputDim * dx * dx;                          // E = P Cxx − Cyx, loss
        total += (long)OutputDim * dx;                                                       // loss
        return total;
    }
}
