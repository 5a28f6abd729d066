using System.Runtime.Intrinsics;
using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Analysis;

/// <summary>
/// Exact Hessian–vector products ∇²L·v at a fixed point, without allocation: the forward-mode derivative of the
/// gradient ∂L/∂W_i = A_iᵀ E B_iᵀ (B_i = W_{i−1}···W_1, A_i = W_{H+1}···W_{i+1}, E = P Cxx − Cyx) along V, as in
/// <see cref="Hessian"/> (which this is checked against), on preallocated row-major buffers:
///     Ḃ_{i+1} = V_i B_i + W_i Ḃ_i,  Ȧ_{i−1} = Ȧ_i W_i + A_i V_i,  Ė = Ṗ Cxx,
///     (∇²L v)_i = Ȧ_iᵀ (E B_iᵀ) + A_iᵀ (Ė B_iᵀ + E Ḃ_iᵀ).
/// <see cref="At"/> fixes the point and precomputes B_i, A_i, E and E B_iᵀ; a product then costs O(Σ d_i d_{i−1}(d_x + d_y)),
/// about two gradient evaluations. Plain IEEE arithmetic in a fixed order: the same bits on every machine. This is the
/// Jacobian of the implicit integrator's matrix-free path (<see cref="Integration.KrylovJacobian"/>).
/// </summary>
public sealed class HessianVectorProduct
{
    private readonly NetworkShape _shape;
    private readonly int _layers, _dx, _dy;
    private readonly int[] _d;
    private readonly double[]? _cxx;
    private readonly double[] _cyx;
    private readonly double[] _w;                  // the point's weights (copied)
    private readonly double[][] _b, _a, _f;       // B_i (d_{i−1}×d_x, i = 1..N+1), A_i (d_y×d_i), F_i = E B_iᵀ (d_y×d_{i−1})
    private readonly double[][] _bDot, _aDot;     // Ḃ_i, Ȧ_i
    private readonly double[] _e, _eDot, _g;      // E, Ė (d_y×d_x), G = Ė B_iᵀ + E Ḃ_iᵀ (d_y×d_{i−1})

    public HessianVectorProduct(LinearNetworkProblem problem)
    {
        _shape = problem.Shape;
        _layers = _shape.Layers;
        _dx = _shape.InputDim;
        _dy = _shape.OutputDim;
        _d = new int[_layers + 1];
        for (int i = 0; i <= _layers; i++) _d[i] = _shape.Dim(i);
        _cxx = problem.IdentityCovariance ? null : problem.Cxx;
        _cyx = problem.Cyx;
        _w = new double[_shape.ParameterCount];
        _b = new double[_layers + 2][];
        _bDot = new double[_layers + 2][];
        _a = new double[_layers + 1][];
        _aDot = new double[_layers + 1][];
        _f = new double[_layers + 1][];
        for (int i = 1; i <= _layers + 1; i++)
        {
            _b[i] = new double[_d[i - 1] * _dx];
            _bDot[i] = new double[_d[i - 1] * _dx];
        }
        for (int i = 1; i <= _layers; i++)
        {
            _a[i] = new double[_dy * _d[i]];
            _aDot[i] = new double[_dy * _d[i]];
            _f[i] = new double[_dy * _d[i - 1]];
        }
        _e = new double[_dy * _dx];
        _eDot = new double[_dy * _dx];
        _g = new double[_dy * _d.Max()];
    }

    public int Dimension => _shape.ParameterCount;

    /// <summary>Fixes the point of the products (weights copied) and precomputes what does not depend on v.</summary>
    public void At(ReadOnlySpan<double> weights)
    {
        int layers = _layers, dx = _dx, dy = _dy;
        weights[.._w.Length].CopyTo(_w);
        var b1 = _b[1];
        Array.Clear(b1);
        for (int k = 0; k < dx; k++) b1[k * dx + k] = 1;
        for (int i = 1; i <= layers; i++) Multiply(Layer(i), _b[i], _b[i + 1], _d[i], _d[i - 1], dx);
        var aN = _a[layers];
        Array.Clear(aN);
        for (int k = 0; k < dy; k++) aN[k * dy + k] = 1;
        for (int i = layers; i >= 2; i--) Multiply(_a[i], Layer(i), _a[i - 1], dy, _d[i], _d[i - 1]);
        if (_cxx is null) _b[layers + 1].CopyTo(_e, 0);
        else Multiply(_b[layers + 1], _cxx, _e, dy, dx, dx);
        for (int k = 0; k < _e.Length; k++) _e[k] -= _cyx[k];
        for (int i = 1; i <= layers; i++) MultiplyTransposed(_e, _b[i], _f[i], dy, dx, _d[i - 1]);
    }

    /// <summary>hv = ∇²L v at the point of the last <see cref="At"/> (exact up to rounding).</summary>
    public void Multiply(ReadOnlySpan<double> v, Span<double> hv)
    {
        int layers = _layers, dx = _dx, dy = _dy;
        var d = _d;
        // Ḃ_1 = 0, Ḃ_{i+1} = V_i B_i + W_i Ḃ_i.
        Array.Clear(_bDot[1]);
        for (int i = 1; i <= layers; i++)
        {
            var next = _bDot[i + 1];
            Multiply(_shape.Weight(v, i), _b[i], next, d[i], d[i - 1], dx);
            if (i > 1) MultiplyAdd(Layer(i), _bDot[i], next, d[i], d[i - 1], dx);
        }
        if (_cxx is null) _bDot[layers + 1].CopyTo(_eDot, 0);
        else Multiply(_bDot[layers + 1], _cxx, _eDot, dy, dx, dx);
        // Ȧ_N = 0, Ȧ_{i−1} = Ȧ_i W_i + A_i V_i.
        Array.Clear(_aDot[layers]);
        for (int i = layers; i >= 2; i--)
        {
            var next = _aDot[i - 1];
            Multiply(_a[i], _shape.Weight(v, i), next, dy, d[i], d[i - 1]);
            if (i < layers) MultiplyAdd(_aDot[i], Layer(i), next, dy, d[i], d[i - 1]);
        }
        for (int i = 1; i <= layers; i++)
        {
            int rows = d[i], cols = d[i - 1];
            var g = _g.AsSpan(0, dy * cols);
            MultiplyTransposed(_eDot, _b[i], g, dy, dx, cols);                 // Ė B_iᵀ
            if (i > 1) MultiplyTransposedAdd(_e, _bDot[i], g, dy, dx, cols);   // + E Ḃ_iᵀ
            var block = _shape.Weight(hv, i);
            TransposedMultiply(_a[i], g, block, dy, rows, cols);              // A_iᵀ G
            if (i < layers) TransposedMultiplyAdd(_aDot[i], _f[i], block, dy, rows, cols);   // + Ȧ_iᵀ F_i
        }
    }

    private ReadOnlySpan<double> Layer(int i) => _shape.Weight((ReadOnlySpan<double>)_w, i);

    /// <summary>c = a b (a m×k, b k×n).</summary>
    private static void Multiply(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n)
    {
        c[..(m * n)].Clear();
        MultiplyAdd(a, b, c, m, k, n);
    }

    /// <summary>c += a b (a m×k, b k×n), row by row: c_i· += a_il b_l· in l order.</summary>
    private static void MultiplyAdd(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n)
    {
        for (int i = 0; i < m; i++)
        {
            var row = c.Slice(i * n, n);
            for (int l = 0; l < k; l++) Axpy(a[i * k + l], b.Slice(l * n, n), row);
        }
    }

    /// <summary>
    /// y += s·x element by element (a multiply, then an add, never fused), four elements at a time: each element's sum
    /// keeps its order, so the bits do not depend on the vector width.
    /// </summary>
    private static void Axpy(double s, ReadOnlySpan<double> x, Span<double> y)
    {
        int n = x.Length, j = 0;
        var vs = Vector256.Create(s);
        for (; j <= n - 4; j += 4) (Vector256.Create(y.Slice(j, 4)) + vs * Vector256.Create(x.Slice(j, 4))).CopyTo(y.Slice(j, 4));
        for (; j < n; j++) y[j] += s * x[j];
    }

    /// <summary>c = a bᵀ (a m×k, b n×k).</summary>
    private static void MultiplyTransposed(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n)
    {
        c[..(m * n)].Clear();
        MultiplyTransposedAdd(a, b, c, m, k, n);
    }

    /// <summary>c += a bᵀ (a m×k, b n×k).</summary>
    private static void MultiplyTransposedAdd(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int l = 0; l < k; l++) s += a[i * k + l] * b[j * k + l];
                c[i * n + j] += s;
            }
    }

    /// <summary>c = aᵀ b (a k×m, b k×n).</summary>
    private static void TransposedMultiply(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int k, int m, int n)
    {
        c[..(m * n)].Clear();
        TransposedMultiplyAdd(a, b, c, k, m, n);
    }

    /// <summary>c += aᵀ b (a k×m, b k×n): c_i· += a_li b_l· in l order.</summary>
    private static void TransposedMultiplyAdd(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int k, int m, int n)
    {
        for (int l = 0; l < k; l++)
        {
            var bl = b.Slice(l * n, n);
            for (int i = 0; i < m; i++) Axpy(a[l * m + i], bl, c.Slice(i * n, n));
        }
    }
}
