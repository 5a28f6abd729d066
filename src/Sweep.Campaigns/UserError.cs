namespace Sweep.Campaigns;

/// <summary>
/// A refusal the user can fix (a campaign file, the command line, an output folder), with the one message that says
/// what to change. Thrown where it is found (the loader, the store, the CLI) and caught once, in the CLI's Main:
/// `error: message` on stderr, exit code 2, no stack trace. Any other exception is a failure: exit code 1, logged.
/// </summary>
public sealed class UserError : Exception
{
    public UserError(string message) : this("", message) { }

    /// <summary>A refusal about a campaign field: the message names it, as in `network.hidden[1]: must be ≥ d_y = 2`.</summary>
    public UserError(string field, string reason) : base(field.Length == 0 ? reason : $"{field}: {reason}")
    {
        Field = field;
        Reason = reason;
    }

    /// <summary>The campaign field (a dotted path) concerned; empty when the refusal is not about one field.</summary>
    public string Field { get; }

    /// <summary>The message without the field.</summary>
    public string Reason { get; }

    /// <summary>
    /// Text echoed from input (a path, a value, a name) made safe for a terminal: control characters such as ANSI
    /// escapes and newlines become '?', so a message is always one honest line.
    /// </summary>
    /// <remarks>Invisible format characters (a right-to-left override, say) count as control characters here.</remarks>
    public static string Printable(string text) =>
        text.Any(Hidden) ? new string(text.Select(c => Hidden(c) ? '?' : c).ToArray()) : text;

    private static bool Hidden(char c) => char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format;
}
