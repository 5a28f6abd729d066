using System.Globalization;

namespace Sweep.Results.Output;

/// <summary>Numbers as people read them in tables (the terminal summary, the HTML report), not for round trips.</summary>
public static class Display
{
    /// <summary>
    /// Four decimals, but small non-zero values keep three significant digits (1.75e-5, not 0), and values just below
    /// 1 keep theirs too (0.99997, not 1): rare saddle basins, and the shares next to them, are what these tables are for.
    /// </summary>
    public static string Short(double v)
    {
        if (v != 0 && double.IsFinite(v) && Math.Abs(v) < 1e-3) return v.ToString("0.##e+0", CultureInfo.InvariantCulture);
        double a = Math.Abs(v);
        if (a < 1 && a >= 0.99995) return v.ToString("0.#########", CultureInfo.InvariantCulture);
        return v.ToString("0.####", CultureInfo.InvariantCulture);
    }
}
