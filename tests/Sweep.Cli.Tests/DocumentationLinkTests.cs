using System.Text;
using System.Text.RegularExpressions;

namespace Sweep.Cli.Tests;

/// <summary>
/// Every relative link of README.md and docs/**/*.md works in a clone: the file exists inside the repository, and a
/// #fragment names a heading of the target (GitHub's anchors). Links in code blocks and code spans are not links.
/// </summary>
public partial class DocumentationLinkTests
{
    [GeneratedRegex(@"!?\[[^\]]*\]\(([^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex Scheme();

    public static TheoryData<string> Documents()
    {
        string root = DeployTests.Root();
        var docs = Directory.GetFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories).Prepend(Path.Combine(root, "README.md"));
        return new(docs.Select(d => Path.GetRelativePath(root, d)));
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Every_relative_link_resolves_inside_the_repository(string document)
    {
        string root = DeployTests.Root();
        string path = Path.Combine(root, document);
        var dead = DeadLinks(root, path).ToList();
        Assert.True(dead.Count == 0, $"{document}: dead links:\n" + string.Join("\n", dead));
    }

    [Fact]
    public void The_checker_finds_a_missing_file_a_missing_anchor_and_a_link_out_of_the_clone()
    {
        var dir = Temp.Dir();
        File.WriteAllText(Path.Combine(dir, "other.md"), "# A `code` heading: yes\n\n## Same\n## Same\n");
        File.WriteAllText(Path.Combine(dir, "doc.md"), """
            [fine](other.md#a-code-heading-yes) [second](other.md#same-1) ![img](other.md) [web](https://example.org/x)
            [gone](missing.md) [bad anchor](other.md#nope) [outside](../../shared/docs/MATH.md)
            `[in code](nothing.md)`
            ```
            [in a block](nothing.md)
            ```
            """);
        var dead = DeadLinks(dir, Path.Combine(dir, "doc.md")).ToList();
        Assert.Equal(["missing.md (no such file)", "other.md#nope (no such heading)", "../../shared/docs/MATH.md (outside the repository)"], dead);
    }

    private static IEnumerable<string> DeadLinks(string root, string document)
    {
        foreach (var target in Links(File.ReadAllText(document)))
        {
            if (Scheme().IsMatch(target)) continue;     // http:, https:, mailto:
            string file = target.Split('#')[0], fragment = target.Contains('#') ? target[(target.IndexOf('#') + 1)..] : "";
            string resolved = file.Length == 0 ? document : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(document)!, Uri.UnescapeDataString(file)));
            if (!resolved.StartsWith(Path.GetFullPath(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                yield return $"{target} (outside the repository)";
            else if (!File.Exists(resolved) && !Directory.Exists(resolved))
                yield return $"{target} (no such file)";
            else if (fragment.Length > 0 && resolved.EndsWith(".md", StringComparison.Ordinal) && !Anchors(File.ReadAllText(resolved)).Contains(fragment))
                yield return $"{target} (no such heading)";
        }
    }

    /// <summary>Link targets outside fenced code blocks and code spans.</summary>
    private static IEnumerable<string> Links(string markdown)
    {
        bool fenced = false;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal)) { fenced = !fenced; continue; }
            if (fenced) continue;
            foreach (Match m in Link().Matches(Regex.Replace(line, "`[^`]*`", "")))
                yield return m.Groups[1].Value;
        }
    }

    /// <summary>GitHub's heading anchors: lower case, only letters, digits, spaces, '-' and '_' kept, spaces made '-', repeats numbered.</summary>
    internal static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>();
        var seen = new Dictionary<string, int>();
        bool fenced = false;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal)) { fenced = !fenced; continue; }
            var heading = Regex.Match(line.TrimEnd('\r'), @"^#{1,6} (.*)$");
            if (fenced || !heading.Success) continue;
            string text = Regex.Replace(heading.Groups[1].Value, @"\[([^\]]*)\]\([^)]*\)", "$1").Trim().ToLowerInvariant();
            var slug = new StringBuilder();
            foreach (char c in text)
                if (char.IsLetterOrDigit(c) || c is '-' or '_') slug.Append(c);
                else if (c == ' ') slug.Append('-');
            string s = slug.ToString();
            int n = seen.GetValueOrDefault(s);
            seen[s] = n + 1;
            anchors.Add(n == 0 ? s : $"{s}-{n}");
        }
        return anchors;
    }
}
