namespace Sweep.Numerics;

/// <summary>
/// Loss and gradient of a deep linear network, ∂L/∂W_i = (W_{H+1}···W_{i+1})ᵀ E (W_{i-1}···W_1)ᵀ with E = P Cxx − Cyx,
/// by one prefix pass (A_i = W_i···W_1) and one backward pass (B_i = (W_{H+1}···W_{i+1})ᵀ E). Owns its workspace,
/// so one instance per thread; <see cref="Evaluate"/> allocates nothing.
/// </summary>
public sealed class LossGradient
{
    private readonly LinearNetworkProblem _problem;
    private readonly NetworkShape _shape;
    private readonly double[] _prefix;     // A_2..A_{H+1}, each d_i × d_x (A_1 = W_1 is read in place)
    private readonly int[] _prefixOffset;
    private readonly double[] _backA, _backB; // alternating d_i × d_x buffers for B_i
    private readonly double[] _error;      // E, d_y × d_x
    private readonly double[] _scratch;    // E Cxx⁻¹ or P Cxx, d_y × d_x

    public LossGradient(LinearNetworkProblem problem)
    {
        _problem = problem;
        _shape = problem.Shape;
        int dx = _shape.InputDim;
        _prefixOffset = new int[_shape.Layers + 2];
        int total = 0;
        for (int i = 2; i <= _shape.Layers; i++) { _prefixOffset[i] = total; total += _shape.Dim(i) * dx; }
        _prefix = new double[Math.Max(total, 1)];
        _backA = new double[_shape.MaxWidth * dx];
        _backB = new double[_shape.MaxWidth * dx];
        _error = new double[_shape.OutputDim * dx];
        _scratch = new double[_shape.OutputDim * dx];
    }

    public LinearNetworkProblem Problem => _problem;

    /// <summary>The end-to-end product P of the last <see cref="Evaluate"/> (d_y × d_x).</summary>
    public ReadOnlySpan<double> LastProduct => Prefix(_shape.Layers);

    /// <summary>Writes ∇L into <paramref name="gradient"/> and returns L(W).</summary>
    public double Evaluate(ReadOnlySpan<double> weights, Span<double> gradient)
    {
        var s = _shape;
        int dx = s.InputDim, dy = s.OutputDim, layers = s.Layers;

        // Prefix: A_i = W_i A_{i-1}.
        for (int i = 2; i <= layers; i++)
            Dense.Multiply(s.Weight(weights, i), PrefixOrFirst(weights, i - 1), _prefix.AsSpan(_prefixOffset[i], s.Dim(i) * dx), s.Dim(i), s.Dim(i - 1), dx);
        ReadOnlySpan<double> product = Prefix(layers);

        // E = P Cxx − Cyx and L = L_min + ½ tr(E Cxx⁻¹ Eᵀ), which keeps the gap to L_min accurate near the minimum.
        var error = _error.AsSpan();
        var cyx = _problem.Cyx;
        double gap;
        if (_problem.IdentityCovariance)
        {
            for (int k = 0; k < error.Length; k++) error[k] = product[k] - cyx[k];
            gap = 0.5 * Dense.SquaredNorm(error);
        }
        else
        {
            Dense.Multiply(product, _problem.Cxx, error, dy, dx, dx);
            for (int k = 0; k < error.Length; k++) error[k] -= cyx[k];
            Dense.Multiply(error, _problem.CxxInverse!, _scratch, dy, dx, dx);
            double t = 0;
            for (int k = 0; k < error.Length; k++) t += error[k] * _scratch[k];
            gap = 0.5 * t;
        }

        // Backward: B_{H+1} = E, B_{i} = W_{i+1}ᵀ B_{i+1}; gradient_i = B_i A_{i-1}ᵀ (A_0 = I).
        ReadOnlySpan<double> back = error;
        var next = _backA.AsSpan();
        var spare = _backB.AsSpan();
        for (int i = layers; i >= 1; i--)
        {
            var g = s.Weight(gradient, i);
            if (i == 1) back[..(s.Dim(1) * dx)].CopyTo(g);
            else Dense.MultiplyTransposeB(back, PrefixOrFirst(weights, i - 1), g, s.Dim(i), dx, s.Dim(i - 1));
            if (i > 1)
            {
                Dense.MultiplyTransposeA(s.Weight(weights, i), back, next, s.Dim(i - 1), s.Dim(i), dx);
                back = next[..(s.Dim(i - 1) * dx)];
                var t = next; next = spare; spare = t;
            }
        }
        return _problem.CriticalValues.GlobalMinimum + gap;
    }

    /// <summary>Loss only (same arithmetic as <see cref="Evaluate"/>), for tests and finite differences.</summary>
    public double Loss(ReadOnlySpan<double> weights)
    {
        var g = new double[_shape.ParameterCount];
        return Evaluate(weights, g);
    }

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

    private ReadOnlySpan<double> Prefix(int i) => _prefix.AsSpan(_prefixOffset[i], _shape.Dim(i) * _shape.InputDim);
    private ReadOnlySpan<double> PrefixOrFirst(ReadOnlySpan<double> weights, int i) => i == 1 ? _shape.Weight(weights, 1) : Prefix(i);
}
