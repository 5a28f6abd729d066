namespace Sweep.Numerics.Problems;

/// <summary>
/// The 2^{d_y} critical values L_S = ½||Y||² − ½ Σ_{i∈S} s_i² (Proposition 4), indexed by the bitmask of S
/// (bit i set = mode i learned). The global minimum is S = all modes.
/// </summary>
public sealed class CriticalValues
{
    private readonly double[] _singularValues;

    public CriticalValues(IReadOnlyList<double> singularValues, double yNormSquared)
    {
        if (singularValues.Count > 30) throw new ArgumentException("at most 30 output dimensions are supported (2^d_y labels)");
        _singularValues = singularValues.ToArray();
        YNormSquared = yNormSquared;
        // The least-squares residual, computed as ½||Y||² − ½Σs² (equals ½||Y − Y X⁺ X||²).
        double learned = 0;
        foreach (var s in _singularValues) learned += s * s;
        GlobalMinimum = 0.5 * yNormSquared - 0.5 * learned;
    }

    public int Modes => _singularValues.Length;
    public double YNormSquared { get; }
    public double GlobalMinimum { get; }
    public int GlobalMask => (1 << Modes) - 1;

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
