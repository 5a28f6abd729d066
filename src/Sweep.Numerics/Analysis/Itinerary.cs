using System.Globalization;
using System.Text;
using Sweep.Numerics.Problems;

namespace Sweep.Numerics.Analysis;

/// <summary>One label of an itinerary: the learned-mode mask (Z rule) and the time it was entered.</summary>
public readonly record struct ItineraryEntry(int Mask, double Time)
{
    public string Label => CriticalValues.Label(Mask);
}

/// <summary>
/// The saddle-to-saddle itinerary of one trajectory (docs/math.md, Itineraries): the labels it passed through at its
/// accepted steps, each with the time of the first accepted state that carried it. Written
/// <c>{}@0 {0}@41.2 {0,1}@120.5</c> (times to 6 significant digits). When the trajectory changed label more often
/// than the recorder holds (<see cref="Integration.ItineraryRecorder.Capacity"/>), the middle is left out and the
/// text holds <c>...</c> where it was: the first entries and the last one (the label at the stop) are always kept.
/// </summary>
public sealed record Itinerary(IReadOnlyList<ItineraryEntry> Entries, int Omitted)
{
    /// <summary>The token written where entries were left out.</summary>
    public const string OmissionMark = "...";

    /// <summary>The entry after which <see cref="Omitted"/> entries were left out (the one before the last).</summary>
    private int OmittedAfter => Entries.Count - 2;

    /// <summary>The label sequence joined by '&gt;' (e.g. <c>{}&gt;{0}&gt;{0,1}</c>): the key the summary counts.</summary>
    public string Sequence
    {
        get
        {
            var sb = new StringBuilder();
            for (int i = 0; i < Entries.Count; i++)
            {
                if (i > 0) sb.Append('>');
                sb.Append(Entries[i].Label);
                if (Omitted > 0 && i == OmittedAfter) sb.Append('>').Append(OmissionMark);
            }
            return sb.ToString();
        }
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < Entries.Count; i++)
        {
            if (i > 0) sb.Append(' ');
            sb.Append(Entries[i].Label).Append('@').Append(FormatTime(Entries[i].Time));
            if (Omitted > 0 && i == OmittedAfter) sb.Append(' ').Append(OmissionMark);
        }
        return sb.ToString();
    }

    /// <summary>Six significant digits, invariant culture; −0 as 0.</summary>
    public static string FormatTime(double t) => (t == 0 ? 0.0 : t).ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>Reads what <see cref="ToString"/> wrote; null for text that is not an itinerary. An omission counts as one left-out entry (the count is not written).</summary>
    public static Itinerary? Parse(string text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var entries = new List<ItineraryEntry>();
        int omitted = 0;
        foreach (var token in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (token == OmissionMark) { omitted = 1; continue; }
            int at = token.IndexOf('@');
            if (at < 0 || CriticalValues.ParseLabel(token[..at]) is not { } mask
                || !double.TryParse(token[(at + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var time)) return null;
            entries.Add(new ItineraryEntry(mask, time));
        }
        return entries.Count == 0 ? null : new Itinerary(entries, omitted);
    }
}
