namespace Sweep.Cli;

/// <summary>A user error on the command line or in the input: printed as one line, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>Minimal POSIX-style parsing: positionals, `--name value`, and boolean `--flag`s. Unknown options are errors.</summary>
public sealed class Args
{
    private readonly Dictionary<string, string?> _options = new();
    public List<string> Positionals { get; } = new();

    public Args(IEnumerable<string> args, IReadOnlyCollection<string> valued, IReadOnlyCollection<string> flags)
    {
        var list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            var a = list[i];
            if (a.StartsWith("--"))
            {
                string name = a[2..];
                string? value = null;
                int eq = name.IndexOf('=');
                if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
                if (valued.Contains(name))
                {
                    if (value is null)
                    {
                        if (i + 1 >= list.Count) throw new UsageException($"--{name} needs a value");
                        value = list[++i];
                    }
                    _options[name] = value;
                }
                else if (flags.Contains(name) && value is null) _options[name] = null;
                else throw new UsageException($"unknown option --{name}");
            }
            else Positionals.Add(a);
        }
    }

    public bool Has(string name) => _options.ContainsKey(name);
    public string? Get(string name) => _options.TryGetValue(name, out var v) ? v : null;

    public int GetInt(string name, int fallback, int min = 1, int max = int.MaxValue)
    {
        var v = Get(name);
        if (v is null) return fallback;
        if (!int.TryParse(v, out var n) || n < min || n > max) throw new UsageException($"--{name} must be an integer in [{min}, {max}] (got '{v}')");
        return n;
    }

    public double GetDouble(string name, double fallback)
    {
        var v = Get(name);
        if (v is null) return fallback;
        if (!double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var x) || !(x > 0))
            throw new UsageException($"--{name} must be a positive number (got '{v}')");
        return x;
    }
}
