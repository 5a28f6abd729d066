using MathNet.Numerics.LinearAlgebra;
using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Analysis;

/// <summary>
/// The Hessian of L at given weights as an operator: exact Hessian–vector products H v, the directional derivative of
/// the gradient ∂L/∂W_i = A_iᵀ E B_iᵀ (A_i = W_{H+1}···W_{i+1}, B_i = W_{i−1}···W_1, E = P Cxx − Cyx) along V, by
/// forward differentiation of its prefix and suffix passes:
///     Ḃ_{i+1} = V_i B_i + W_i Ḃ_i,  Ȧ_{i−1} = Ȧ_i W_i + A_i V_i,  Ė = Ṗ Cxx,
///     (H v)_i = Ȧ_iᵀ E B_iᵀ + A_iᵀ (Ė B_iᵀ + E Ḃ_iᵀ).
/// No finite differences: the result is exact up to rounding. Off the hot path (once per analysed sample), so it uses
/// MathNet matrices; <see cref="At"/> fixes the point and precomputes the passes that do not depend on v.
/// </summary>
public sealed class Hessian
{
    private readonly LinearNetworkProblem _problem;
    private readonly Matrix<double>? _cxx;
    private readonly Matrix<double> _cyx;

    public Hessian(LinearNetworkProblem problem)
    {
        _problem = problem;
        var shape = problem.Shape;
        int dx = shape.InputDim, dy = shape.OutputDim;
        _cxx = problem.IdentityCovariance ? null : Matrix<double>.Build.Dense(dx, dx, (i, j) => problem.Cxx[i * dx + j]);
        _cyx = Matrix<double>.Build.Dense(dy, dx, (i, j) => problem.Cyx[i * dx + j]);
    }

    public LinearNetworkProblem Problem => _problem;

    /// <summary>The Hessian operator at <paramref name="weights"/> (copied).</summary>
    public Operator At(ReadOnlySpan<double> weights) => new(this, weights);

    /// <summary>H at one point: prefix products B_i, suffix products A_i and the residual E, computed once.</summary>
    public sealed class Operator
    {
        private readonly Hessian _owner;
        private readonly NetworkShape _shape;
        private readonly Matrix<double>[] _w;   // W_1..W_{H+1} (index 0 unused)
        private readonly Matrix<double>[] _b;   // B_i = W_{i−1}···W_1, d_{i−1} × d_x (B_1 = I)
        private readonly Matrix<double>[] _a;   // A_i = W_{H+1}···W_{i+1}, d_y × d_i (A_{H+1} = I)
        private readonly Matrix<double> _e;

        internal Operator(Hessian owner, ReadOnlySpan<double> weights)
        {
            _owner = owner;
            _shape = owner._problem.Shape;
            int n = _shape.Layers;
            _w = new Matrix<double>[n + 1];
            for (int i = 1; i <= n; i++) _w[i] = Layer(weights, i);
            _b = new Matrix<double>[n + 2];
            _b[1] = Matrix<double>.Build.DenseIdentity(_shape.InputDim);
            for (int i = 1; i <= n; i++) _b[i + 1] = _w[i] * _b[i];
            _a = new Matrix<double>[n + 1];
            _a[n] = Matrix<double>.Build.DenseIdentity(_shape.OutputDim);
            for (int i = n; i >= 2; i--) _a[i - 1] = _a[i] * _w[i];
            _e = owner.TimesCxx(_b[n + 1]) - owner._cyx;
        }

        /// <summary>Number of parameters: the Hessian is this square.</summary>
        public int Dimension => _shape.ParameterCount;

        /// <summary>hv = H v, exactly (forward-mode derivative of the gradient along v).</summary>
        public void Multiply(ReadOnlySpan<double> v, Span<double> hv)
        {
            int n = _shape.Layers;
            var vl = new Matrix<double>[n + 1];
            for (int i = 1; i <= n; i++) vl[i] = Layer(v, i);
            // Tangents of the prefix products: Ḃ_1 = 0, Ḃ_{i+1} = V_i B_i + W_i Ḃ_i.
            var bDot = new Matrix<double>?[n + 2];
            for (int i = 1; i <= n; i++)
                bDot[i + 1] = bDot[i] is { } bd ? vl[i] * _b[i] + _w[i] * bd : vl[i] * _b[i];
            var eDot = _owner.TimesCxx(bDot[n + 1]!);
            // Tangents of the suffix products: Ȧ_{H+1} = 0, Ȧ_{i−1} = Ȧ_i W_i + A_i V_i.
            var aDot = new Matrix<double>?[n + 1];
            for (int i = n; i >= 2; i--)
                aDot[i - 1] = aDot[i] is { } ad ? ad * _w[i] + _a[i] * vl[i] : _a[i] * vl[i];
            for (int i = 1; i <= n; i++)
            {
                var f = _e.TransposeAndMultiply(_b[i]);                       // E B_iᵀ
                var fDot = eDot.TransposeAndMultiply(_b[i]);                  // Ė B_iᵀ + E Ḃ_iᵀ
                if (bDot[i] is { } bd) fDot += _e.TransposeAndMultiply(bd);
                var g = _a[i].TransposeThisAndMultiply(fDot);
                if (aDot[i] is { } ad) g += ad.TransposeThisAndMultiply(f);
                var block = _shape.Weight(hv, i);
                int cols = _shape.Dim(i - 1);
                for (int r = 0; r < _shape.Dim(i); r++)
                    for (int c = 0; c < cols; c++) block[r * cols + c] = g[r, c];
            }
        }

        /// <summary>The dense Hessian, column by column from <see cref="Multiply"/> on unit vectors, symmetrised.</summary>
        public Matrix<double> Dense()
        {
            int p = Dimension;
            var h = Matrix<double>.Build.Dense(p, p);
            var e = new double[p];
            var col = new double[p];
            for (int k = 0; k < p; k++)
            {
                e[k] = 1;
                Multiply(e, col);
                e[k] = 0;
                for (int r = 0; r < p; r++) h[r, k] = col[r];
            }
            // Exact products are symmetric up to rounding; symmetrise so the symmetric eigensolver sees a symmetric matrix.
            return 0.5 * (h + h.Transpose());
        }

        private Matrix<double> Layer(ReadOnlySpan<double> flat, int i)
        {
            int rows = _shape.Dim(i), cols = _shape.Dim(i - 1);
            var block = _shape.Weight(flat, i);
            var m = Matrix<double>.Build.Dense(rows, cols);
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++) m[r, c] = block[r * cols + c];
            return m;
        }
    }

    private Matrix<double> TimesCxx(Matrix<double> m) => _cxx is null ? m : m * _cxx;
}
