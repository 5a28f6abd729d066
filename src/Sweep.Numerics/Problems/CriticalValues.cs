namespace Sweep.Numerics.Problems;

/// <summary>
/// The 2^{d_y} critical values L_S = L_min + ½ Σ_{i∉S} s_i² (Proposition 4: ½||Y||² − ½ Σ_{i∈S} s_i², written from the
/// minimum so that no value near it suffers cancellation), indexed by the bitmask of S (bit i set = mode i learned).
/// The global minimum L_min (S = all modes) is the least-squares residual ½||Y − Y X⁺ X||², an input: 0 exactly for
/// canonical problems, computed from X and Y (never as ½||Y||² − ½Σs², which loses every digit when the residual is
/// small against ||Y||²).
/// </summary>
public sealed class CriticalValues
{
    private readonly double[] _singularValues;

    public CriticalValues(IReadOnlyList<double> singularValues, double globalMinimum)
    {
        if (singularValues.Count > 30) throw new ArgumentException("at most 30 output dimensions are supported (2^d_y labels)");
        _singularValues = singularValues.ToArray();
        GlobalMinimum = globalMinimum;
        double last = _singularValues[^1];
        SaddleGap = 0.5 * last * last;
        CertificateMargin = 1e-6 * SaddleGap;
        GlobalCertificateLevel = SaddleGap - CertificateMargin;
    }

    public int Modes => _singularValues.Length;
    /// <summary>L_min, the least-squares residual.</summary>
    public double GlobalMinimum { get; }
    public int GlobalMask => (1 << Modes) - 1;

    /// <summary>L_2 − L_min = ½ s_{d_y}²: how far the smallest non-global critical value L_2 lies above the minimum.</summary>
    public double SaddleGap { get; }

    /// <summary>
    /// δ, the margin of the global certificate L(t) &lt; L_2 − δ for the error of the loss evaluation:
    /// δ = 10⁻⁶·(L_2 − L_min). The integrators compare the gap L − L_min, which the kernels compute directly as
    /// ½ tr(E Cxx⁻¹ Eᵀ), E = P Cxx − Cyx (never as a difference of two losses). Its rounding error is that of the
    /// product P = W_{H+1}···W_1 (|δP| ≤ γ_{(H+1)d}·|W_{H+1}|···|W_1| entrywise, γ_k ≈ k·2⁻⁵³) times ||E||, plus
    /// relative ~d_x·2⁻⁵³·κ(Cxx) for data problems. Near the threshold ||E|| ≈ s_{d_y}, so the error is below
    /// δ/1000 as long as Π||W_i||_F ≲ 10⁻⁹·s_{d_y}/((H+1)·d_max·2⁻⁵³) (≈ 10⁵ for s_{d_y} = 0.4, H = 4, d_max = 16) and
    /// the data are not badly conditioned: weights started at Gaussian scales ≤ 1 stay far inside that region, because the
    /// flow conserves the imbalances D_i. The singular values themselves carry a relative error ~2⁻⁵³·κ (SVD), also far
    /// below 10⁻⁶. The tests evaluate the loss in 28-digit decimal arithmetic at random and near-critical states and
    /// check the double evaluation is within δ/1000.
    /// </summary>
    public double CertificateMargin { get; }

    /// <summary>(L_2 − δ) − L_min: a state whose loss gap is below this level lies in the basin of a global minimum (for the flow).</summary>
    public double GlobalCertificateLevel { get; }

    /// <summary>L_S, computed as L_min + ½ Σ_{i∉S} s_i² so that values near the minimum keep their precision.</summary>
    public double Value(int mask)
    {
        double missing = 0;
        for (int i = 0; i < Modes; i++)
            if ((mask & (1 << i)) == 0) missing += _singularValues[i] * _singularValues[i];
        return GlobalMinimum + 0.5 * missing;
    }

    /// <summary>The gap L_S − L_min, exact in the singular values.</summary>
    public double GapAboveMinimum(int mask) => Value(mask) - GlobalMinimum;

    /// <summary>Smallest distance between two distinct critical values.</summary>
    public double SmallestSeparation()
    {
        var values = Enumerable.Range(0, 1 << Modes).Select(GapAboveMinimum).OrderBy(v => v).ToArray();
        double best = double.PositiveInfinity;
        for (int i = 1; i < values.Length; i++) best = Math.Min(best, values[i] - values[i - 1]);
        return best;
    }

    /// <summary>The label of a mask: the learned-mode set written "{0,2}", "{}" for none.</summary>
    public static string Label(int mask)
    {
        if (mask == 0) return "{}";
        var parts = new List<int>();
        for (int i = 0; i < 31; i++) if ((mask & (1 << i)) != 0) parts.Add(i);
        return "{" + string.Join(",", parts) + "}";
    }

    /// <summary>Parses a label written by <see cref="Label"/>; null when malformed.</summary>
    public static int? ParseLabel(string label)
    {
        if (label.Length < 2 || label[0] != '{' || label[^1] != '}') return null;
        var body = label[1..^1];
        if (body.Length == 0) return 0;
        int mask = 0;
        foreach (var p in body.Split(','))
        {
            if (!int.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i) || i > 30) return null;
            mask |= 1 << i;
        }
        return mask;
    }
}
