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

    private static YamlMappingNode Map(YamlMappingNode node, params string[] path)
    {
        foreach (var key in path) node = (YamlMappingNode)node.Children[new YamlScalarNode(key)];
        return node;
    }

    [Fact]
    public void Kubernetes_manifests_parse_and_hold_the_expected_objects()
    {
        var docs = Directory.EnumerateFiles(Path.Combine(Root(), "deploy", "k8s"), "*.yaml").SelectMany(Documents).ToList();
        var kinds = docs.Select(d => Scalar(d, "kind")).OrderBy(k => k).ToList();
        // Coordinator and workers are Jobs: both exit 0 when the campaign is finished and are not restarted then.
        Assert.Equal(["Job", "Job", "PersistentVolumeClaim", "Service"], kinds);
        var jobs = docs.Where(d => Scalar(d, "kind") == "Job").ToDictionary(d => Scalar(d, "metadata", "name"));
        var coordinator = Map(jobs["sweep-coordinator"], "spec", "template", "spec");
        var service = docs.Single(d => Scalar(d, "kind") == "Service");
        Assert.Equal("None", Scalar(service, "spec", "clusterIP"));
        // The stable seed name: hostname.subdomain, the subdomain being the headless Service selecting the pod.
        Assert.Equal("sweep-coordinator-0", Scalar(coordinator, "hostname"));
        Assert.Equal(Scalar(service, "metadata", "name"), Scalar(coordinator, "subdomain"));
        var labels = Map(jobs["sweep-coordinator"], "spec", "template", "metadata", "labels");
        foreach (var (key, value) in Map(service, "spec", "selector").Children)
            Assert.Equal(((YamlScalarNode)value).Value, ((YamlScalarNode)labels.Children[key]).Value);
        // The store's volume outlives the pod (a retried coordinator resumes).
        var claim = docs.Single(d => Scalar(d, "kind") == "PersistentVolumeClaim");
        Assert.Contains(Scalar(claim, "metadata", "name"), string.Join("\n", Directory.EnumerateFiles(Path.Combine(Root(), "deploy", "k8s"), "coordinator.yaml").Select(File.ReadAllText)));
        foreach (var job in jobs.Values)
        {
            var pod = Map(job, "spec", "template", "spec");
            Assert.Equal("true", Scalar(pod, "securityContext", "runAsNonRoot"));
            Assert.NotEqual("0", Scalar(pod, "securityContext", "runAsUser"));
            // Secrets readable by the non-root user and no other: group-readable for the pod's fsGroup, which is that user's.
            Assert.Equal(Scalar(pod, "securityContext", "runAsUser"), Scalar(pod, "securityContext", "fsGroup"));
            foreach (var volume in ((YamlSequenceNode)pod.Children[new YamlScalarNode("volumes")]).Children.Cast<YamlMappingNode>())
                if (volume.Children.TryGetValue(new YamlScalarNode("secret"), out var secret))
                    Assert.Equal("0440", Scalar((YamlMappingNode)secret, "defaultMode"));
            // Every node presents the campaign's join token.
            Assert.Contains("--join-token", Args(pod));
        }
        // A crashed coordinator is restarted in place and resumes; a worker pod that fails ends (no restart loop that
        // would exhaust backoffLimit and fail the Job after the campaign is done).
        Assert.Equal("OnFailure", Scalar(coordinator, "restartPolicy"));
        Assert.Equal("Never", Scalar(Map(jobs["sweep-worker"], "spec", "template", "spec"), "restartPolicy"));
        // The campaign (with any data files) is unpacked from its tarball before the coordinator starts.
        var init = ((YamlSequenceNode)coordinator.Children[new YamlScalarNode("initContainers")]).Children.Cast<YamlMappingNode>().Single();
        Assert.Contains("/bundle/campaign.tgz", init.Children[new YamlScalarNode("command")].ToString());
        Assert.Contains("/campaign/$(SWEEP_CAMPAIGN)", Args(coordinator));
        // Workers bind to the pod's one IP (the downward API), not to what `hostname -i` lists.
        Assert.Contains("$(POD_IP)", Args(Map(jobs["sweep-worker"], "spec", "template", "spec")));
        Assert.True(((YamlSequenceNode)coordinator.Children[new YamlScalarNode("containers")]).Children.Cast<YamlMappingNode>().Single()
            .Children.ContainsKey(new YamlScalarNode("readinessProbe")));
        var text = string.Join("\n", Directory.EnumerateFiles(Path.Combine(Root(), "deploy", "k8s"), "*.yaml").Select(File.ReadAllText));
        // The worker's seed is the coordinator pod's stable name and the port it listens on.
        Assert.Contains("sweep-coordinator-0.sweep-coordinator:4053", text);
        Assert.Contains("- sweep-coordinator-0.sweep-coordinator", text);
        Assert.Contains("--tls-ca", text);
        Assert.DoesNotContain("StatefulSet", docs.Select(d => Scalar(d, "kind")));
    }

    private static List<string> Args(YamlMappingNode pod) =>
        ((YamlSequenceNode)pod.Children[new YamlScalarNode("containers")]).Children.Cast<YamlMappingNode>().Single()
            .Children[new YamlScalarNode("args")].AllNodes.OfType<YamlScalarNode>().Select(n => n.Value!).ToList();

    [Fact]
    public void The_image_runs_as_a_non_root_user_and_the_build_context_leaves_outputs_out()
    {
        var dockerfile = File.ReadAllLines(Path.Combine(Root(), "deploy", "Dockerfile"));
        // The last USER of the final stage is not root.
        // The ASP.NET runtime image: `sweep serve` needs that shared framework beside .NET's.
        var runtimeStage = dockerfile.SkipWhile(l => !l.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet")).ToList();
        var user = runtimeStage.LastOrDefault(l => l.StartsWith("USER "));
        Assert.NotNull(user);
        Assert.DoesNotContain(user!.Split(' ', 2)[1].Trim(), new[] { "root", "0" });
        var ignore = File.ReadAllLines(Path.Combine(Root(), ".dockerignore")).Select(l => l.Trim()).ToHashSet();
        Assert.Contains("**/bin/", ignore);
        Assert.Contains("**/obj/", ignore);
        Assert.Contains("runs/", ignore);
    }

    [Fact]
    public void Compose_file_parses_with_a_coordinator_volume_and_workers()
    {
        var doc = Documents(Path.Combine(Root(), "deploy", "docker-compose.yml")).Single();
        var services = (YamlMappingNode)doc.Children[new YamlScalarNode("services")];
        Assert.True(services.Children.ContainsKey(new YamlScalarNode("coordinator")));
        Assert.True(services.Children.ContainsKey(new YamlScalarNode("worker")));
        Assert.True(doc.Children.ContainsKey(new YamlScalarNode("volumes")));
        string text = File.ReadAllText(Path.Combine(Root(), "deploy", "docker-compose.yml"));
        Assert.Contains("--seed coordinator:4053", text);
        // A worker exits 0 once the campaign is finished: only a failure is restarted.
        foreach (var name in new[] { "coordinator", "worker" })
            Assert.StartsWith("on-failure", Scalar((YamlMappingNode)services.Children[new YamlScalarNode(name)], "restart"));
        // An unambiguous advertised address, not `hostname -i` (which may list several).
        var worker = (YamlMappingNode)services.Children[new YamlScalarNode("worker")];
        Assert.False(worker.Children.ContainsKey(new YamlScalarNode("entrypoint")), "the worker runs sweep directly, no shell deciding its address");
        Assert.DoesNotContain("hostname -i", Scalar(worker, "command"));
        Assert.Contains("--host auto", Scalar(worker, "command"));
        // Secrets: copied for UID 1654 by the setup service, which also issues the join token every node presents.
        var setup = (YamlMappingNode)services.Children[new YamlScalarNode("setup")];
        Assert.Contains("install -o 1654 -g 1654 -m 0400", setup.Children[new YamlScalarNode("entrypoint")].ToString());
        Assert.Contains("sweep.dll credential", setup.Children[new YamlScalarNode("entrypoint")].ToString());
        foreach (var name in new[] { "coordinator", "worker" })
        {
            var service = (YamlMappingNode)services.Children[new YamlScalarNode(name)];
            Assert.Contains("--join-token /secrets/join-token", Scalar(service, "command"));
            Assert.Equal("service_completed_successfully", Scalar(service, "depends_on", "setup", "condition"));
        }
        // The campaign's whole folder is mounted (data files next to it), not the campaign file alone.
        Assert.Contains("${SWEEP_CAMPAIGN_DIR:-../examples}:/campaign:ro", text);
    }

    [Fact]
    public void Dockerfile_builds_the_cli_project_of_the_solution()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Root(), "deploy", "Dockerfile"));
        Assert.Contains("dotnet publish src/Sweep.Cli/Sweep.Cli.csproj", dockerfile);
        Assert.True(File.Exists(Path.Combine(Root(), "src", "Sweep.Cli", "Sweep.Cli.csproj")));
        Assert.Contains("src/Sweep.Cli/Sweep.Cli.csproj", File.ReadAllText(Path.Combine(Root(), "ActorSweep.sln")).Replace('\\', '/'));
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"/app/sweep.dll\"]", dockerfile);
        // Published for one runtime, the target's (multi-arch with buildx), so ReadyToRun (StartupConfigurationTests).
        Assert.Contains("-a \"$TARGETARCH\"", dockerfile);
        Assert.Contains("FROM --platform=$BUILDPLATFORM", dockerfile);
    }
}
