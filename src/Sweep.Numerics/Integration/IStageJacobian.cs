namespace Sweep.Numerics.Integration;

/// <summary>
/// The linear algebra of <see cref="RadauIIA5"/>'s simplified Newton iteration: a Jacobian J = −∇²L frozen at one state,
/// and the shifted systems (a I + ∇²L) x = b (real a) and ((b + i c) I + ∇²L) x = r (complex) with it. Dense and
/// reduced to tridiagonal form for small networks (<see cref="TridiagonalJacobian"/>), matrix-free beyond (<see cref="KrylovJacobian"/>).
/// </summary>
internal interface IStageJacobian
{
    /// <summary>Freezes the Jacobian at <paramref name="weights"/>.</summary>
    void Update(ReadOnlySpan<double> weights);

    /// <summary>The smallest eigenvalue of ∇²L at the last update (dense: from below, to 4ε of ‖T‖; matrix-free: a Ritz value, from above).</summary>
    double MinEigenvalue { get; }

    /// <summary>Hessian–vector products taken so far (0 for the dense path, which assembles the Hessian instead).</summary>
    long Products { get; }

    /// <summary>x ← (a I + ∇²L)⁻¹ x.</summary>
    void SolveShifted(double a, Span<double> x, Span<double> scratch);

    /// <summary>x₁ ← (a I + ∇²L)⁻¹ x₁ and (x₂ + i x₃) ← ((b + i c) I + ∇²L)⁻¹ (x₂ + i x₃).</summary>
    void SolveStages(double a, double b, double c, Span<double> x1, Span<double> x2, Span<double> x3, Span<double> t1, Span<double> t2, Span<double> t3);
}
