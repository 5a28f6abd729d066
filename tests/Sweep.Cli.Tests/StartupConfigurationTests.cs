using System.Reflection.PortableExecutable;
using System.Text.Json.Nodes;

namespace Sweep.Cli.Tests;

/// <summary>
/// What a short campaign's start-up relies on (docs/performance.md, "Start-up"): the runtime's default tier-up delay,
/// and ReadyToRun code in what is published or packed for one runtime. No timings: the configuration itself.
/// </summary>
public class StartupConfigurationTests
{
    /// <summary>True when the assembly carries precompiled (ReadyToRun) code: its CLI header points to a native header.</summary>
    private static bool IsReadyToRun(string path)
    {
        using var pe = new PEReader(File.OpenRead(path));
        return pe.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 };
    }

    [Fact]
    public void The_ReadyToRun_check_tells_precompiled_from_plain_assemblies()
    {
        Assert.True(IsReadyToRun(typeof(object).Assembly.Location));    // the shared framework ships precompiled
        Assert.False(IsReadyToRun(SweepProcess.Dll));                    // a plain build (dotnet run, these tests) is JIT-compiled
    }

    [Fact]
    public void The_runtime_keeps_its_default_tier_up_delay_and_dynamic_PGO()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(SweepProcess.Dll, ".runtimeconfig.json")))!["runtimeOptions"]!["configProperties"]!.AsObject();
        // A delay of 0 tiered up thousands of start-up methods at once: +1.5 s of CPU for every run.
        Assert.False(config.ContainsKey("System.Runtime.TieredCompilation.CallCountingDelayMs"));
        Assert.True((bool)config["System.Runtime.TieredPGO"]!);    // the kernels' stage loops need it (-20-25% without)
    }

    [Theory]
    [InlineData("-p:RuntimeIdentifier=linux-x64")]
    [InlineData("-p:UseCurrentRuntimeIdentifier=true")]
    public void Publishing_or_packing_for_one_runtime_is_ReadyToRun(string runtime)
    {
        var r = OperationsTests.Exec("dotnet", DeployTests.Root(), "msbuild", Path.Combine("src", "Sweep.Cli", "Sweep.Cli.csproj"),
            "-getProperty:PublishReadyToRun", runtime, "-nologo");
        Assert.True(r.Exit == 0, r.Out + r.Err);
        Assert.Equal("true", r.Out.Trim());
    }
}
