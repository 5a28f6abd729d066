namespace Sweep.Campaigns;

/// <summary>
/// The "did you mean" of every refused name: campaign keys in the loader and options and commands on the command line
/// share one rule, so a typo gets the same help wherever it is made.
/// </summary>
public static class Suggestion
{
    /// <summary>
    /// The candidate closest to <paramref name="typed"/>, or null when none is close: a candidate that
    /// <paramref name="typed"/> begins (a truncated name) counts as distance 0; otherwise a candidate within
    /// max(2, a third of its length) edits is close. Ties go to the shorter name, then to the earlier one.
    /// </summary>
    public static string? Nearest(string typed, IEnumerable<string> candidates) =>
        candidates.Distinct()
            .Select(c => (Name: c, Distance: c.StartsWith(typed, StringComparison.Ordinal) && typed.TrimStart('-').Length > 0 ? 0
                // The distance is at least the difference in length: a name far longer than any candidate (a key of a
                // few megabytes) is not compared at all, which would take time and memory in proportion to its length.
                : Math.Abs(typed.Length - c.Length) > Close(c) ? int.MaxValue : Distance(typed, c)))
            .Where(c => c.Distance <= Close(c.Name))
            .OrderBy(c => c.Distance).ThenBy(c => c.Name.Length)
            .FirstOrDefault().Name;

    private static int Close(string candidate) => Math.Max(2, candidate.Length / 3);

    /// <summary>Levenshtein distance with adjacent transpositions (a typed "--wrokers" is one step from "--workers").</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }
}
