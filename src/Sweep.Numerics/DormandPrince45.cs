namespace Sweep.Numerics;

/// <summary>
/// Gradient flow dW/dt = −∇L(W) by the Dormand–Prince 5(4) pair (FSAL, local extrapolation), with the standard
/// controller: error norm RMS(err_k / (atol + rtol·max(|y_k|, |y_new,k|))), step factor 0.9·err^{-1/5} clipped to
/// [0.2, 10] (at most 1 after a rejection), initial step by Hairer's heuristic. One instance per thread: it owns
/// its stage buffers and allocates nothing per step.
/// </summary>
public sealed class DormandPrince45
{
    private const double C2 = 1.0 / 5, C3 = 3.0 / 10, C4 = 4.0 / 5, C5 = 8.0 / 9;
    private const double A21 = 1.0 / 5;
    private const double A31 = 3.0 / 40, A32 = 9.0 / 40;
    private const double A41 = 44.0 / 45, A42 = -56.0 / 15, A43 = 32.0 / 9;
    private const double A51 = 19372.0 / 6561, A52 = -25360.0 / 2187, A53 = 64448.0 / 6561, A54 = -212.0 / 729;
    private const double A61 = 9017.0 / 3168, A62 = -355.0 / 33, A63 = 46732.0 / 5247, A64 = 49.0 / 176, A65 = -5103.0 / 18656;
    private const double B1 = 35.0 / 384, B3 = 500.0 / 1113, B4 = 125.0 / 192, B5 = -2187.0 / 6784, B6 = 11.0 / 84;
    // Error weights b − b̂.
    private const double E1 = 71.0 / 57600, E3 = -71.0 / 16695, E4 = 71.0 / 1920, E5 = -17253.0 / 339200, E6 = 22.0 / 525, E7 = -1.0 / 40;

    private readonly LossGradient _gradient;
    private readonly GradientFlowSettings _settings;
    private readonly double[] _k1, _k2, _k3, _k4, _k5, _k6, _k7, _stage, _next;

    public DormandPrince45(LossGradient gradient, GradientFlowSettings settings)
    {
        _gradient = gradient;
        _settings = settings;
        int n = gradient.Problem.Shape.ParameterCount;
        _k1 = new double[n]; _k2 = new double[n]; _k3 = new double[n]; _k4 = new double[n];
        _k5 = new double[n]; _k6 = new double[n]; _k7 = new double[n]; _stage = new double[n]; _next = new double[n];
    }

    /// <summary>Evaluates f = −∇L into <paramref name="f"/>; returns L.</summary>
    private double Rhs(ReadOnlySpan<double> y, Span<double> f)
    {
        double loss = _gradient.Evaluate(y, f);
        for (int i = 0; i < f.Length; i++) f[i] = -f[i];
        return loss;
    }

    /// <summary>Integrates <paramref name="y"/> in place until converged, the horizon, or divergence.</summary>
    public IntegrationOutcome Integrate(Span<double> y, StopRule stop, TraceRecorder? trace = null)
    {
        var problem = _gradient.Problem;
        double gradTol = stop.GradTolRel * problem.CyxNorm;
        double tMax = _settings.TMax, rtol = _settings.RelTol, atol = _settings.AbsTol;
        int n = y.Length;
        Span<double> k1 = _k1, k2 = _k2, k3 = _k3, k4 = _k4, k5 = _k5, k6 = _k6, k7 = _k7, ys = _stage, yn = _next;

        double t = 0;
        long steps = 0, evals = 1;
        double loss = Rhs(y, k1);
        double gnorm = Dense.Norm(k1);
        var hit = new HitTracker(stop.EpsHit, problem.CriticalValues.GlobalMinimum, interpolate: true, 0, loss);
        trace?.Record(0, loss);
        if (!double.IsFinite(loss) || !Dense.AllFiniteAndBounded(y, StopRule.DivergenceBound))
            return new(SampleStatus.Diverged, 0, 0, evals, loss, gnorm, hit.HitTime);
        if (gnorm <= gradTol) return new(SampleStatus.Converged, 0, 0, evals, loss, gnorm, hit.HitTime);

        double h = InitialStep(y, k1, rtol, atol, tMax, ref evals);
        double hMin = 1e-14 * Math.Max(1, tMax);
        bool rejectedLast = false;
        while (true)
        {
            if (t + h > tMax) h = tMax - t;
            for (int i = 0; i < n; i++) ys[i] = y[i] + h * A21 * k1[i];
            Rhs(ys, k2);
            for (int i = 0; i < n; i++) ys[i] = y[i] + h * (A31 * k1[i] + A32 * k2[i]);
            Rhs(ys, k3);
            for (int i = 0; i < n; i++) ys[i] = y[i] + h * (A41 * k1[i] + A42 * k2[i] + A43 * k3[i]);
            Rhs(ys, k4);
            for (int i = 0; i < n; i++) ys[i] = y[i] + h * (A51 * k1[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i]);
            Rhs(ys, k5);
            for (int i = 0; i < n; i++) ys[i] = y[i] + h * (A61 * k1[i] + A62 * k2[i] + A63 * k3[i] + A64 * k4[i] + A65 * k5[i]);
            Rhs(ys, k6);
            for (int i = 0; i < n; i++) yn[i] = y[i] + h * (B1 * k1[i] + B3 * k3[i] + B4 * k4[i] + B5 * k5[i] + B6 * k6[i]);
            double newLoss = Rhs(yn, k7);
            evals += 6;

            double errSq = 0;
            for (int i = 0; i < n; i++)
            {
                double e = h * (E1 * k1[i] + E3 * k3[i] + E4 * k4[i] + E5 * k5[i] + E6 * k6[i] + E7 * k7[i]);
                double sc = atol + rtol * Math.Max(Math.Abs(y[i]), Math.Abs(yn[i]));
                double r = e / sc;
                errSq += r * r;
            }
            double err = Math.Sqrt(errSq / n);
            if (!double.IsFinite(err)) err = 1e10;

            if (err <= 1)
            {
                t = h >= tMax - t ? tMax : t + h;
                steps++;
                yn.CopyTo(y);
                k7.CopyTo(k1);           // FSAL: f(y_new) is the next step's first stage
                loss = newLoss;
                gnorm = Dense.Norm(k1);
                hit.Observe(t, loss);
                trace?.Record(t, loss);
                if (!double.IsFinite(loss) || !Dense.AllFiniteAndBounded(y, StopRule.DivergenceBound))
                    return new(SampleStatus.Diverged, t, steps, evals, loss, gnorm, hit.HitTime);
                if (gnorm <= gradTol) return new(SampleStatus.Converged, t, steps, evals, loss, gnorm, hit.HitTime);
                if (t >= tMax) return new(SampleStatus.Horizon, t, steps, evals, loss, gnorm, hit.HitTime);
                double fac = err == 0 ? 10 : Math.Clamp(0.9 * Math.Pow(err, -0.2), 0.2, 10);
                if (rejectedLast) fac = Math.Min(fac, 1);
                h *= fac;
                rejectedLast = false;
            }
            else
            {
                h *= Math.Clamp(0.9 * Math.Pow(err, -0.2), 0.2, 1);
                rejectedLast = true;
                if (h < hMin)   // the step size collapsed: the solution is blowing up
                    return new(SampleStatus.Diverged, t, steps, evals, loss, gnorm, hit.HitTime);
            }
        }
    }

    /// <summary>Hairer, Nørsett &amp; Wanner's starting step (one extra evaluation).</summary>
    private double InitialStep(ReadOnlySpan<double> y, ReadOnlySpan<double> f0, double rtol, double atol, double tMax, ref long evals)
    {
        int n = y.Length;
        double d0 = 0, d1 = 0;
        for (int i = 0; i < n; i++)
        {
            double sc = atol + rtol * Math.Abs(y[i]);
            d0 += (y[i] / sc) * (y[i] / sc);
            d1 += (f0[i] / sc) * (f0[i] / sc);
        }
        d0 = Math.Sqrt(d0 / n); d1 = Math.Sqrt(d1 / n);
        double h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
        h0 = Math.Min(h0, tMax);
        Span<double> y1 = _stage, f1 = _k2;
        for (int i = 0; i < n; i++) y1[i] = y[i] + h0 * f0[i];
        Rhs(y1, f1);
        evals++;
        double d2 = 0;
        for (int i = 0; i < n; i++)
        {
            double sc = atol + rtol * Math.Abs(y[i]);
            double e = (f1[i] - f0[i]) / sc;
            d2 += e * e;
        }
        d2 = Math.Sqrt(d2 / n) / h0;
        double h1 = Math.Max(d1, d2) <= 1e-15 ? Math.Max(1e-6, h0 * 1e-3) : Math.Pow(0.01 / Math.Max(d1, d2), 0.2);
        double h = Math.Min(100 * h0, h1);
        return double.IsFinite(h) && h > 0 ? Math.Min(h, tMax) : 1e-6;
    }
}
