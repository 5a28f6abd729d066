using System.Globalization;

namespace Sweep.Results.Output;

/// <summary>Numbers as people read them in tables (the terminal summary, the HTML report), not for round trips.</summary>
public static class Display
{
    /// <summary>
    /// Four decimals, but small non-zero values keep three significant digits (1.75e-5, not 0): rare saddle basins are
    /// what these tables are for.
    /// </summary>
    public static string Short(double v) => v == 0 || Math.Abs(v) >= 1e-3 || !double.IsFinite(v)
        ? v.ToString("0.####", CultureInfo.InvariantCulture)
        : v.ToString("0.##e+0", CultureInfo.InvariantCulture);
}
