using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Analysis;

/// <summary>
/// The dense Hessian ∇²L, assembled column by column from the structure of its directional derivatives (the same
/// forward-mode formulas as <see cref="Hessian"/>, specialised to unit vectors). For the unit vector of entry (r, c) of
/// W_j, with b = row c of B_j (B_i = W_{i−1}···W_1), a = column r of A_j (A_i = W_{H+1}···W_{i+1}), E = P Cxx − Cyx:
/// Ḃ_i = u_i bᵀ for i > j (u_{j+1} = e_r, u_{i+1} = W_i u_i), Ȧ_i = a v_iᵀ for i &lt; j (v_{j−1} = e_c, v_{i−1} = W_iᵀ v_i),
/// Ė = u_{H+2} (Cxx b)ᵀ, so that every block of the column is a sum of at most two outer products:
///     (H e)_i = (A_iᵀ u_{H+2}) (B_i Cxx b)ᵀ  +  [i > j] (A_iᵀ E b) u_iᵀ  +  [i &lt; j] v_i (B_i Eᵀ a)ᵀ.
/// A column costs O(H·d²) instead of a full Hessian–vector product, and nothing is allocated: the implicit integrator
/// takes a Hessian whenever its Newton iteration slows, so this is on its (warm) path. Plain IEEE arithmetic in a
/// fixed order, then symmetrised (½(H + Hᵀ)). Checked against <see cref="Hessian"/>'s products in the tests.
/// </summary>
public sealed class DenseHessian
{
    private readonly NetworkShape _shape;
    private readonly int _layers, _dx, _dy, _n;
    private readonly int[] _d;            // d_0..d_{N}
    private readonly double[]? _cxx;      // null when Cxx = I
    private readonly double[] _cyx;
    private readonly double[][] _b, _a;  // B_i (d_{i−1} × d_x), A_i (d_y × d_i), i = 1..N
    private readonly double[] _p, _e;     // P, E (d_y × d_x)
    private readonly double[][] _u, _v;   // u_i (length d_{i−1}), i = 1..N+1; v_i (length d_i), i = 1..N
    private readonly double[] _bc, _eb, _eta, _ea, _alpha, _second, _first;

    public DenseHessian(LinearNetworkProblem problem)
    {
        _shape = problem.Shape;
        _layers = _shape.Layers;
        _dx = _shape.InputDim;
        _dy = _shape.OutputDim;
        _n = _shape.ParameterCount;
        _d = new int[_layers + 1];
        for (int i = 0; i <= _layers; i++) _d[i] = _shape.Dim(i);
        _cxx = problem.IdentityCovariance ? null : problem.Cxx;
        _cyx = problem.Cyx;
        _b = new double[_layers + 1][];
        _a = new double[_layers + 1][];
        _u = new double[_layers + 2][];
        _v = new double[_layers + 1][];
        for (int i = 1; i <= _layers; i++)
        {
            _b[i] = new double[_d[i - 1] * _dx];
            _a[i] = new double[_dy * _d[i]];
            _u[i] = new double[_d[i - 1]];
            _v[i] = new double[_d[i]];
        }
        _u[_layers + 1] = new double[_dy];
        _p = new double[_dy * _dx];
        _e = new double[_dy * _dx];
        int widest = _d.Max();
        _bc = new double[_dx]; _eb = new double[_dy]; _eta = new double[_dx]; _ea = new double[_dx];
        _alpha = new double[widest]; _second = new double[widest]; _first = new double[widest];
    }

    public int Dimension => _n;

    /// <summary>Writes ∇²L at <paramref name="weights"/> into <paramref name="hessian"/> (n × n, row-major, symmetric).</summary>
    public void Assemble(ReadOnlySpan<double> weights, Span<double> hessian)
    {
        int n = _n, layers = _layers, dx = _dx, dy = _dy;
        // Prefixes B_1 = I, B_{i+1} = W_i B_i; P = W_N B_N; suffixes A_N = I, A_{i−1} = A_i W_i; E = P Cxx − Cyx.
        Array.Clear(_b[1]);
        for (int k = 0; k < dx; k++) _b[1][k * dx + k] = 1;
        for (int i = 1; i <= layers; i++)
            Multiply(Layer(weights, i), _b[i], i < layers ? _b[i + 1] : _p, _d[i], _d[i - 1], dx);
        Array.Clear(_a[layers]);
        for (int k = 0; k < dy; k++) _a[layers][k * dy + k] = 1;
        for (int i = layers; i >= 2; i--) Multiply(_a[i], Layer(weights, i), _a[i - 1], dy, _d[i], _d[i - 1]);
        if (_cxx is null) _p.CopyTo(_e, 0);
        else Multiply(_p, _cxx, _e, dy, dx, dx);
        for (int k = 0; k < _e.Length; k++) _e[k] -= _cyx[k];

        for (int j = 1; j <= layers; j++)
        {
            int rows = _d[j], cols = _d[j - 1];
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++)
                    Column(weights, j, r, c, hessian, _shape.Offset(j) + r * cols + c);
        }
        for (int r = 0; r < n; r++)
            for (int c = r + 1; c < n; c++)
            {
                double s = 0.5 * (hessian[r * n + c] + hessian[c * n + r]);
                hessian[r * n + c] = s;
                hessian[c * n + r] = s;
            }
    }

    /// <summary>Column <paramref name="column"/> of ∇²L: the unit vector of entry (r, c) of W_j.</summary>
    private void Column(ReadOnlySpan<double> weights, int j, int r, int c, Span<double> hessian, int column)
    {
        int n = _n, layers = _layers, dx = _dx, dy = _dy;
        var d = _d;
        // b = row c of B_j, and Cxx b; u_{j+1} = e_r, u_{i+1} = W_i u_i up to u_{N+1}.
        var bj = _b[j];
        for (int k = 0; k < dx; k++) _eta[k] = bj[c * dx + k];
        if (_cxx is null) _eta.AsSpan(0, dx).CopyTo(_bc);
        else MultiplyVector(_cxx, _eta, _bc, dx, dx);
        var uj = _u[j + 1];
        Array.Clear(uj);
        uj[r] = 1;
        for (int i = j + 1; i <= layers; i++) MultiplyVector(Layer(weights, i), _u[i], _u[i + 1], d[i], d[i - 1]);
        // E b (for the blocks after j); v_{j−1} = e_c, v_{i−1} = W_iᵀ v_i down to v_1.
        MultiplyVector(_e, _eta, _eb, dy, dx);
        if (j >= 2)
        {
            // Eᵀ a, a = column r of A_j (for the blocks before j).
            var aj = _a[j];
            for (int k = 0; k < dx; k++)
            {
                double s = 0;
                for (int y = 0; y < dy; y++) s += _e[y * dx + k] * aj[y * d[j] + r];
                _ea[k] = s;
            }
            Array.Clear(_v[j - 1]);
            _v[j - 1][c] = 1;
            for (int i = j - 1; i >= 2; i--) MultiplyTransposedVector(Layer(weights, i), _v[i], _v[i - 1], d[i], d[i - 1]);
        }
        var uLast = _u[layers + 1];
        for (int i = 1; i <= layers; i++)
        {
            int rows = d[i], cols = d[i - 1], offset = _shape.Offset(i);
            MultiplyTransposedVector(_a[i], uLast, _alpha, dy, rows);     // A_iᵀ u_{N+1}
            MultiplyVector(_b[i], _bc, _first, cols, dx);                  // B_i Cxx b
            for (int p = 0; p < rows; p++)
                for (int q = 0; q < cols; q++) hessian[(offset + p * cols + q) * n + column] = _alpha[p] * _first[q];
            if (i > j)
            {
                MultiplyTransposedVector(_a[i], _eb, _second, dy, rows);   // A_iᵀ E b
                var ui = _u[i];
                for (int p = 0; p < rows; p++)
                    for (int q = 0; q < cols; q++) hessian[(offset + p * cols + q) * n + column] += _second[p] * ui[q];
            }
            else if (i < j)
            {
                MultiplyVector(_b[i], _ea, _second, cols, dx);                // B_i Eᵀ a
                var vi = _v[i];
                for (int p = 0; p < rows; p++)
                    for (int q = 0; q < cols; q++) hessian[(offset + p * cols + q) * n + column] += vi[p] * _second[q];
            }
        }
    }

    private ReadOnlySpan<double> Layer(ReadOnlySpan<double> weights, int i) => _shape.Weight(weights, i);

    /// <summary>c = a b, a m×k, b k×n, row-major.</summary>
    private static void Multiply(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int l = 0; l < k; l++) s += a[i * k + l] * b[l * n + j];
                c[i * n + j] = s;
            }
    }

    /// <summary>y = a x, a m×k.</summary>
    private static void MultiplyVector(ReadOnlySpan<double> a, ReadOnlySpan<double> x, Span<double> y, int m, int k)
    {
        for (int i = 0; i < m; i++)
        {
            double s = 0;
            for (int l = 0; l < k; l++) s += a[i * k + l] * x[l];
            y[i] = s;
        }
    }

    /// <summary>y = aᵀ x, a m×k (y has length k).</summary>
    private static void MultiplyTransposedVector(ReadOnlySpan<double> a, ReadOnlySpan<double> x, Span<double> y, int m, int k)
    {
        for (int l = 0; l < k; l++)
        {
            double s = 0;
            for (int i = 0; i < m; i++) s += a[i * k + l] * x[i];
            y[l] = s;
        }
    }
}
