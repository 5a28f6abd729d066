using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Kernels;

/// <summary>
/// Loss and gradient of a deep linear network for <c>T.Width</c> trajectories at once (lane buffers, see
/// <see cref="ILane{TSelf}"/>): ∂L/∂W_i = (W_{H+1}···W_{i+1})ᵀ E (W_{i-1}···W_1)ᵀ with E = P Cxx − Cyx, by one prefix
/// pass (A_i = W_i···W_1) and one backward pass (B_i = (W_{H+1}···W_{i+1})ᵀ E). Owns its workspace, so one instance
/// per thread; <see cref="Evaluate"/> allocates nothing.
/// </summary>
public sealed class LossGradientKernel<T> where T : struct, ILane<T>
{
    private readonly LinearNetworkProblem _problem;
    private readonly int _layers, _dx, _dy;
    private readonly int[] _dims;                       // d_0..d_{H+1}
    private readonly int[] _layerStart, _layerLength;   // W_i in a lane buffer of all weights (or gradients)
    private readonly int[] _prefixStart, _prefixLength; // A_i in the prefix buffer
    private readonly AlignedBuffer _prefix;     // A_2..A_{H+1}, each d_i × d_x (A_1 = W_1 is read in place)
    private readonly AlignedBuffer _backA, _backB; // alternating d_i × d_x buffers for B_i
    private readonly AlignedBuffer _error;      // E, d_y × d_x
    private readonly AlignedBuffer _scratch;    // E Cxx⁻¹, d_y × d_x
    private readonly double[] _cxx, _cyx;       // the statistics the gradient is taken of (the problem's, or a minibatch's)
    private readonly bool _identity, _gradientOnly;

    public LossGradientKernel(LinearNetworkProblem problem) : this(problem, problem.Cxx, problem.Cyx, problem.IdentityCovariance, gradientOnly: false) { }

    /// <summary>
    /// A kernel of the gradient of ½||Y_B − P X_B||² for the statistics Cxx = X_B X_Bᵀ and Cyx = Y_B X_Bᵀ held in
    /// <paramref name="cxx"/> and <paramref name="cyx"/>, which the caller may overwrite between evaluations (minibatch SGD):
    /// the same operations as the problem's kernel, so equal statistics give the same gradient bit for bit. Its
    /// <see cref="Evaluate"/> returns no loss (NaN).
    /// </summary>
    public static LossGradientKernel<T> OfStatistics(LinearNetworkProblem problem, double[] cxx, double[] cyx) =>
        new(problem, cxx, cyx, identity: false, gradientOnly: true);

    private LossGradientKernel(LinearNetworkProblem problem, double[] cxx, double[] cyx, bool identity, bool gradientOnly)
    {
        _problem = problem;
        _cxx = cxx;
        _cyx = cyx;
        _identity = identity;
        _gradientOnly = gradientOnly;
        var shape = problem.Shape;
        int w = T.Width, dx = shape.InputDim;
        _layers = shape.Layers; _dx = dx; _dy = shape.OutputDim;
        _dims = shape.Dims.ToArray();
        // Every offset and length in lane units, computed once: the products of small shapes are short enough that
        // looking them up through the shape on every evaluation showed up in profiles.
        _layerStart = new int[_layers + 1]; _layerLength = new int[_layers + 1];
        _prefixStart = new int[_layers + 1]; _prefixLength = new int[_layers + 1];
        int total = 0;
        for (int i = 1; i <= _layers; i++)
        {
            _layerStart[i] = shape.Offset(i) * w;
            _layerLength[i] = shape.Size(i) * w;
            _prefixLength[i] = shape.Dim(i) * dx * w;
            if (i >= 2) { _prefixStart[i] = total * w; total += shape.Dim(i) * dx; }
        }
        // Every block starts on a cache line when its size is a multiple of 8 doubles (always so for 8 lanes).
        _prefix = new(Math.Max(total, 1) * w);
        _backA = new(shape.MaxWidth * dx * w);
        _backB = new(shape.MaxWidth * dx * w);
        _error = new(_dy * dx * w);
        _scratch = new(_dy * dx * w);
    }

    public LinearNetworkProblem Problem => _problem;

    /// <summary>Writes ∇L of every lane into <paramref name="gradient"/> and returns L per lane.</summary>
    public T Evaluate(ReadOnlySpan<double> weights, Span<double> gradient)
    {
        int dx = _dx, dy = _dy, layers = _layers, ne = dy * dx;
        int[] dims = _dims, layerStart = _layerStart, layerLength = _layerLength, prefixStart = _prefixStart, prefixLength = _prefixLength;
        Span<double> prefix = _prefix;
        // A_i (i ≥ 2) lives in the prefix buffer; A_1 is W_1 itself.
        ReadOnlySpan<double> PrefixOrFirst(ReadOnlySpan<double> weights, Span<double> prefix, int i) =>
            i == 1 ? weights.Slice(layerStart[1], layerLength[1]) : prefix.Slice(prefixStart[i], prefixLength[i]);

        for (int i = 2; i <= layers; i++)
            LaneDense<T>.Multiply(weights.Slice(layerStart[i], layerLength[i]), PrefixOrFirst(weights, prefix, i - 1),
                prefix.Slice(prefixStart[i], prefixLength[i]), dims[i], dims[i - 1], dx);
        ReadOnlySpan<double> product = prefix.Slice(prefixStart[layers], prefixLength[layers]);

        // E = P Cxx − Cyx and L = L_min + ½ tr(E Cxx⁻¹ Eᵀ), which keeps the gap to L_min accurate near the minimum.
        Span<double> error = _error;
        var cyx = _cyx;
        T gap;
        if (_identity)
        {
            T squares = T.Zero;
            for (int k = 0; k < ne; k++)
            {
                T e = T.Load(product, k) - T.Broadcast(cyx[k]);
                T.Store(error, k, e);
                squares = T.MultiplyAdd(e, e, squares);
            }
            gap = T.Broadcast(0.5) * squares;
        }
        else
        {
            LaneDense<T>.MultiplyShared(product, _cxx, error, dy, dx, dx);
            for (int k = 0; k < ne; k++) T.Store(error, k, T.Load(error, k) - T.Broadcast(cyx[k]));
            if (_gradientOnly) gap = T.Broadcast(double.NaN);
            else
            {
                LaneDense<T>.MultiplyShared(error, _problem.CxxInverse!, _scratch, dy, dx, dx);
                T t = T.Zero;
                for (int k = 0; k < ne; k++) t = T.MultiplyAdd(T.Load(error, k), T.Load(_scratch, k), t);
                gap = T.Broadcast(0.5) * t;
            }
        }

        // Backward: B_{H+1} = E, B_{i-1} = W_iᵀ B_i; gradient_i = B_i A_{i-1}ᵀ (A_0 = I).
        ReadOnlySpan<double> back = error;
        Span<double> next = _backA, spare = _backB;
        // B_1 is the gradient of W_1 itself: the last backward product writes straight into it.
        for (int i = layers; i >= 2; i--)
        {
            LaneDense<T>.MultiplyTransposeB(back, PrefixOrFirst(weights, prefix, i - 1), gradient.Slice(layerStart[i], layerLength[i]), dims[i], dx, dims[i - 1]);
            var target = i == 2 ? gradient.Slice(layerStart[1], layerLength[1]) : next;
            LaneDense<T>.MultiplyTransposeA(weights.Slice(layerStart[i], layerLength[i]), back, target, dims[i - 1], dims[i], dx);
            back = target[..prefixLength[i - 1]];
            var tmp = next; next = spare; spare = tmp;
        }
        return T.Broadcast(_problem.CriticalValues.GlobalMinimum) + gap;
    }
}
