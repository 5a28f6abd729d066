using YamlDotNet.RepresentationModel;

namespace Sweep.Cli.Tests;

/// <summary>The deploy/ files cannot run here (no Docker engine, no Kubernetes); these checks keep them valid and in step with the code.</summary>
public class DeployTests
{
    internal static string Root()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "ActorSweep.sln"))) d = d.Parent;
        return d?.FullName ?? throw new DirectoryNotFoundException("repository root not found");
    }

    private static List<YamlMappingNode> Documents(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path)) stream.Load(reader);
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    private static string Scalar(YamlMappingNode node, params string[] path)
    {
        YamlNode current = node;
        foreach (var key in path) current = ((YamlMappingNode)current).Children[new YamlScalarNode(key)];
        return ((YamlScalarNode)current).Value!;
    }

    [Fact]
    public void Kubernetes_manifests_parse_and_hold_the_expected_objects()
    {
        var docs = Directory.EnumerateFiles(Path.Combine(Root(), "deploy", "k8s"), "*.yaml").SelectMany(Documents).ToList();
        var kinds = docs.Select(d => Scalar(d, "kind")).OrderBy(k => k).ToList();
        Assert.Equal(["Deployment", "Service", "StatefulSet"], kinds);
        var sts = docs.Single(d => Scalar(d, "kind") == "StatefulSet");
        Assert.True(((YamlMappingNode)sts.Children[new YamlScalarNode("spec")]).Children.ContainsKey(new YamlScalarNode("volumeClaimTemplates")));
        var text = string.Join("\n", Directory.EnumerateFiles(Path.Combine(Root(), "deploy", "k8s"), "*.yaml").Select(File.ReadAllText));
        // The worker's seed is the coordinator pod's stable name and the port it listens on.
        Assert.Contains("sweep-coordinator-0.sweep-coordinator:4053", text);
        Assert.Contains("- sweep-coordinator-0.sweep-coordinator", text);
        Assert.Contains("--tls-ca", text);
    }

    [Fact]
    public void Compose_file_parses_with_a_coordinator_volume_and_workers()
    {
        var doc = Documents(Path.Combine(Root(), "deploy", "docker-compose.yml")).Single();
        var services = (YamlMappingNode)doc.Children[new YamlScalarNode("services")];
        Assert.True(services.Children.ContainsKey(new YamlScalarNode("coordinator")));
        Assert.True(services.Children.ContainsKey(new YamlScalarNode("worker")));
        Assert.True(doc.Children.ContainsKey(new YamlScalarNode("volumes")));
        Assert.Contains("--seed coordinator:4053", File.ReadAllText(Path.Combine(Root(), "deploy", "docker-compose.yml")));
    }

    [Fact]
    public void Dockerfile_builds_the_cli_project_of_the_solution()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Root(), "deploy", "Dockerfile"));
        Assert.Contains("dotnet publish src/Sweep.Cli/Sweep.Cli.csproj", dockerfile);
        Assert.True(File.Exists(Path.Combine(Root(), "src", "Sweep.Cli", "Sweep.Cli.csproj")));
        Assert.Contains("src/Sweep.Cli/Sweep.Cli.csproj", File.ReadAllText(Path.Combine(Root(), "ActorSweep.sln")).Replace('\\', '/'));
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"/app/sweep.dll\"]", dockerfile);
    }
}
