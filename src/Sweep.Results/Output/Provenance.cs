using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sweep.Results.Output;

/// <summary>
/// Which build produced a result, and where: the informational version (1.0.0+commit), the commit, the .NET runtime,
/// the OS, the CPU model and the SIMD width the kernels use, and where measured its numerics fingerprint (the hash of what
/// it computes: two builds with the same one give the same samples). Recorded in summary.json and in the store's metadata.
/// </summary>
public sealed record Provenance(string Version, string? Commit, string Runtime, string Os, string Cpu, int LogicalCpus, int SimdWidth)
{
    /// <summary>The numerics fingerprint (16 hex digits); null where not measured (<see cref="Current"/>, and builds before it existed).</summary>
    public string? Numerics { get; init; }

    private static readonly Lazy<Provenance> CurrentLazy = new(Detect);
    private static string? _measuredNumerics;

    /// <summary>This process, with its numerics fingerprint once a command that solves has measured it (<see cref="MeasuredNumerics"/>).</summary>
    public static Provenance Current => Volatile.Read(ref _measuredNumerics) is { } numerics ? CurrentLazy.Value with { Numerics = numerics } : CurrentLazy.Value;

    /// <summary>
    /// Records this process's numerics fingerprint, measured by `run` or `coordinator`, so that the summary.json it
    /// writes names them; readers do not measure them and write none. Set once per process, never reset.
    /// </summary>
    public static void MeasuredNumerics(string fingerprint) => Volatile.Write(ref _measuredNumerics, fingerprint);

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["version"] = Version,
            ["commit"] = Commit,
            ["runtime"] = Runtime,
            ["os"] = Os,
            ["cpu"] = Cpu,
            ["logical_cpus"] = LogicalCpus,
            ["simd_width"] = SimdWidth,
        };
        if (Numerics is not null) json["numerics"] = Numerics;
        return json;
    }

    public string ToJsonString() => ToJson().ToJsonString();

    public static Provenance? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json)) return null;
        try
        {
            if (JsonNode.Parse(json) is not JsonObject o) return null;
            return new Provenance((string?)o["version"] ?? "?", (string?)o["commit"], (string?)o["runtime"] ?? "?", (string?)o["os"] ?? "?",
                (string?)o["cpu"] ?? "?", (int?)o["logical_cpus"] ?? 0, (int?)o["simd_width"] ?? 0) { Numerics = (string?)o["numerics"] };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException) { return null; }
    }

    /// <summary>One line for people: version, runtime, OS, CPU and SIMD width.</summary>
    public override string ToString() => $"sweep {Version} on {Runtime}, {Os}, {Cpu} ({LogicalCpus} logical CPUs), {SimdWidth}-bit SIMD";

    private static Provenance Detect()
    {
        // The entry assembly is sweep itself (its version carries the commit); a test host falls back to this library.
        var assembly = Assembly.GetEntryAssembly() is { } entry && entry.GetName().Name == "sweep" ? entry : typeof(Provenance).Assembly;
        string version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString() ?? "unknown";
        int plus = version.IndexOf('+');
        string? commit = plus >= 0 && plus + 1 < version.Length ? version[(plus + 1)..] : null;
        return new Provenance(version, commit, RuntimeInformation.FrameworkDescription,
            $"{RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})", CpuModel(), Environment.ProcessorCount, SimdWidthBits());
    }

    /// <summary>The width the flow kernels run at: 8 lanes of doubles with AVX-512, 4 with AVX2/256-bit vectors, else 128.</summary>
    public static int SimdWidthBits() =>
        Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128;

    private static string CpuModel()
    {
        try
        {
            if (OperatingSystem.IsLinux() && File.Exists("/proc/cpuinfo"))
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                    if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':') is var colon and >= 0)
                        return line[(colon + 1)..].Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
