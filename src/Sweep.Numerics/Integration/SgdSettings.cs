using Sweep.Numerics.Kernels;
using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Integration;

/// <summary>
/// Minibatch stochastic gradient descent on a data problem with m examples:
/// W ← W − η_k (m / b) ∇L_B(W), L_B = ½||Y_B − P X_B||² over a batch B of b examples, so (m / b) ∇L_B is an unbiased
/// estimate of ∇L. Batches: each epoch is a fresh uniformly random permutation of the m examples (from the sample's
/// own stream), cut into ⌊m / b⌋ batches of b consecutive entries; the m mod b left over are not used that epoch
/// (sampling without replacement within an epoch). Step decay: η_k = η · decay_factor^⌊k / decay_every⌋
/// (<paramref name="DecayEvery"/> = 0: constant). With b = m and no decay it is <see cref="GradientDescentSettings"/>
/// bit for bit. See <see cref="StochasticGradientDescent"/> for the outcomes.
/// </summary>
public sealed record SgdSettings(double LearningRate, int BatchSize, long DecayEvery, double DecayFactor, long MaxIters) : Dynamics
{
    /// <summary>decay_factor when only decay_every is given.</summary>
    public const double DefaultDecayFactor = 0.5;

    public override double Horizon => MaxIters;

    /// <summary>
    /// How many of the last iterates are averaged into the state reported at the horizon: ⌈max_iters / 10⌉ when
    /// b &lt; m (the iterates of a noisy method do not converge), 0 (the last iterate, as for descent) when b = m.
    /// </summary>
    public long AverageWindow(int examples) => BatchSize < examples ? (MaxIters + 9) / 10 : 0;

    public override int Order => 1;
    /// <summary>The epoch's permutation and the tail sum travel from step to step.</summary>
    public override bool Stateful => true;
    /// <summary>
    /// b = m at a constant rate is deterministic full-batch descent, whose loss certificate holds as for gd (under the
    /// same step-size condition); b &lt; m: the loss is not monotone. A decaying rate has Σ η_k &lt; ∞: the iterates may
    /// stop short of a critical point, so a low loss says nothing about a limit, and only convergence certifies.
    /// </summary>
    public override Certification CertifiesBy(LinearNetworkProblem problem) =>
        BatchSize == problem.Examples?.Count && DecayEvery == 0 ? Certification.LossLevel : Certification.ConvergenceOnly;
    public override double FixedLearningRate => LearningRate;

    /// <summary>One trajectory at a time whatever <typeparamref name="T"/> (each would need its own batches): SGD does not run in SIMD lanes.</summary>
    public override ILaneMethod CreateMethod<T>(LinearNetworkProblem problem) => new StochasticGradientDescent(problem, this);
}
