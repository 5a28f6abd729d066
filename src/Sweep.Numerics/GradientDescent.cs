namespace Sweep.Numerics;

/// <summary>
/// Gradient descent W ← W − η∇L with a fixed learning rate. Time is the iteration count k; the stop tests run on
/// the iterate W_k before the update. Owns its gradient buffer.
/// </summary>
public sealed class GradientDescent
{
    private readonly LossGradient _gradient;
    private readonly GradientDescentSettings _settings;
    private readonly double[] _g;

    public GradientDescent(LossGradient gradient, GradientDescentSettings settings)
    {
        _gradient = gradient;
        _settings = settings;
        _g = new double[gradient.Problem.Shape.ParameterCount];
    }

    public IntegrationOutcome Integrate(Span<double> w, StopRule stop, TraceRecorder? trace = null)
    {
        var problem = _gradient.Problem;
        double gradTol = stop.GradTolRel * problem.CyxNorm;
        double eta = _settings.LearningRate;
        Span<double> g = _g;
        long k = 0, evals = 1;
        double loss = _gradient.Evaluate(w, g);
        var hit = new HitTracker(stop.EpsHit, problem.CriticalValues.GlobalMinimum, interpolate: false, 0, loss);
        while (true)
        {
            double gnorm = Dense.Norm(g);
            trace?.Record(k, loss);
            if (!double.IsFinite(loss) || !double.IsFinite(gnorm) || !Dense.AllFiniteAndBounded(w, StopRule.DivergenceBound))
                return new(SampleStatus.Diverged, k, k, evals, loss, gnorm, hit.HitTime);
            if (gnorm <= gradTol) return new(SampleStatus.Converged, k, k, evals, loss, gnorm, hit.HitTime);
            if (k >= _settings.MaxIters) return new(SampleStatus.Horizon, k, k, evals, loss, gnorm, hit.HitTime);
            for (int i = 0; i < w.Length; i++) w[i] -= eta * g[i];
            k++;
            loss = _gradient.Evaluate(w, g);
            evals++;
            hit.Observe(k, loss);
        }
    }
}
