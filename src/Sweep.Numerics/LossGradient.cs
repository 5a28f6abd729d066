namespace Sweep.Numerics;

/// <summary>
/// Loss and gradient of a deep linear network for <c>T.Width</c> trajectories at once (lane buffers, see
/// <see cref="ILane{TSelf}"/>): ∂L/∂W_i = (W_{H+1}···W_{i+1})ᵀ E (W_{i-1}···W_1)ᵀ with E = P Cxx − Cyx, by one prefix
/// pass (A_i = W_i···W_1) and one backward pass (B_i = (W_{H+1}···W_{i+1})ᵀ E). Owns its workspace, so one instance
/// per thread; <see cref="Evaluate"/> allocates nothing.
/// </summary>
public sealed class LossGradientKernel<T> where T : struct, ILane<T>
{
    private readonly LinearNetworkProblem _problem;
    private readonly NetworkShape _shape;
    private readonly AlignedBuffer _prefix;     // A_2..A_{H+1}, each d_i × d_x (A_1 = W_1 is read in place)
    private readonly int[] _prefixOffset;
    private readonly AlignedBuffer _backA, _backB; // alternating d_i × d_x buffers for B_i
    private readonly AlignedBuffer _error;      // E, d_y × d_x
    private readonly AlignedBuffer _scratch;    // E Cxx⁻¹, d_y × d_x

    public LossGradientKernel(LinearNetworkProblem problem)
    {
        _problem = problem;
        _shape = problem.Shape;
        int w = T.Width, dx = _shape.InputDim;
        _prefixOffset = new int[_shape.Layers + 2];
        int total = 0;
        for (int i = 2; i <= _shape.Layers; i++) { _prefixOffset[i] = total; total += _shape.Dim(i) * dx; }
        // Every block starts on a cache line when its size is a multiple of 8 doubles (always so for 8 lanes).
        _prefix = new(Math.Max(total, 1) * w);
        _backA = new(_shape.MaxWidth * dx * w);
        _backB = new(_shape.MaxWidth * dx * w);
        _error = new(_shape.OutputDim * dx * w);
        _scratch = new(_shape.OutputDim * dx * w);
    }

    public LinearNetworkProblem Problem => _problem;

    private Span<double> Layer(Span<double> buffer, int layer) => buffer.Slice(_shape.Offset(layer) * T.Width, _shape.Size(layer) * T.Width);
    private ReadOnlySpan<double> Layer(ReadOnlySpan<double> buffer, int layer) => buffer.Slice(_shape.Offset(layer) * T.Width, _shape.Size(layer) * T.Width);
    private Span<double> Prefix(int i) => _prefix.Span.Slice(_prefixOffset[i] * T.Width, _shape.Dim(i) * _shape.InputDim * T.Width);
    private ReadOnlySpan<double> PrefixOrFirst(ReadOnlySpan<double> weights, int i) => i == 1 ? Layer(weights, 1) : Prefix(i);

    /// <summary>Writes ∇L of every lane into <paramref name="gradient"/> and returns L per lane.</summary>
    public T Evaluate(ReadOnlySpan<double> weights, Span<double> gradient)
    {
        var s = _shape;
        int dx = s.InputDim, dy = s.OutputDim, layers = s.Layers, ne = dy * dx;

        for (int i = 2; i <= layers; i++)
            LaneDense<T>.Multiply(Layer(weights, i), PrefixOrFirst(weights, i - 1), Prefix(i), s.Dim(i), s.Dim(i - 1), dx);
        ReadOnlySpan<double> product = Prefix(layers);

        // E = P Cxx − Cyx and L = L_min + ½ tr(E Cxx⁻¹ Eᵀ), which keeps the gap to L_min accurate near the minimum.
        Span<double> error = _error;
        var cyx = _problem.Cyx;
        T gap;
        if (_problem.IdentityCovariance)
        {
            T squares = T.Zero;
            for (int k = 0; k < ne; k++)
            {
                T e = T.Load(product, k) - T.Broadcast(cyx[k]);
                T.Store(error, k, e);
                squares += e * e;
            }
            gap = T.Broadcast(0.5) * squares;
        }
        else
        {
            LaneDense<T>.MultiplyShared(product, _problem.Cxx, error, dy, dx, dx);
            for (int k = 0; k < ne; k++) T.Store(error, k, T.Load(error, k) - T.Broadcast(cyx[k]));
            LaneDense<T>.MultiplyShared(error, _problem.CxxInverse!, _scratch, dy, dx, dx);
            T t = T.Zero;
            for (int k = 0; k < ne; k++) t += T.Load(error, k) * T.Load(_scratch, k);
            gap = T.Broadcast(0.5) * t;
        }

        // Backward: B_{H+1} = E, B_{i-1} = W_iᵀ B_i; gradient_i = B_i A_{i-1}ᵀ (A_0 = I).
        ReadOnlySpan<double> back = error;
        Span<double> next = _backA, spare = _backB;
        // B_1 is the gradient of W_1 itself: the last backward product writes straight into it.
        for (int i = layers; i >= 2; i--)
        {
            LaneDense<T>.MultiplyTransposeB(back, PrefixOrFirst(weights, i - 1), Layer(gradient, i), s.Dim(i), dx, s.Dim(i - 1));
            var target = i == 2 ? Layer(gradient, 1) : next;
            LaneDense<T>.MultiplyTransposeA(Layer(weights, i), back, target, s.Dim(i - 1), s.Dim(i), dx);
            back = target[..(s.Dim(i - 1) * dx * T.Width)];
            var tmp = next; next = spare; spare = tmp;
        }
        return T.Broadcast(_problem.CriticalValues.GlobalMinimum) + gap;
    }
}

/// <summary>Loss and gradient of one trajectory (plain row-major weights): the one-lane <see cref="LossGradientKernel{T}"/>.</summary>
public sealed class LossGradient
{
    private readonly LossGradientKernel<ScalarLane> _kernel;

    public LossGradient(LinearNetworkProblem problem) => _kernel = new LossGradientKernel<ScalarLane>(problem);

    public LinearNetworkProblem Problem => _kernel.Problem;

    /// <summary>Writes ∇L into <paramref name="gradient"/> and returns L(W).</summary>
    public double Evaluate(ReadOnlySpan<double> weights, Span<double> gradient) => _kernel.Evaluate(weights, gradient)[0];

    /// <summary>Loss only (same arithmetic as <see cref="Evaluate"/>), for tests and finite differences.</summary>
    public double Loss(ReadOnlySpan<double> weights) => Evaluate(weights, new double[weights.Length]);

    /// <summary>P = W_{H+1}···W_1 (d_y × d_x); allocates, not for hot loops.</summary>
    public static double[] Product(NetworkShape shape, ReadOnlySpan<double> weights)
    {
        int dx = shape.InputDim;
        var current = shape.Weight(weights, 1).ToArray();
        for (int i = 2; i <= shape.Layers; i++)
        {
            var next = new double[shape.Dim(i) * dx];
            Dense.Multiply(shape.Weight(weights, i), current, next, shape.Dim(i), shape.Dim(i - 1), dx);
            current = next;
        }
        return current;
    }
}
