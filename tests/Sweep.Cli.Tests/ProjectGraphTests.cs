using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace Sweep.Cli.Tests;

/// <summary>
/// The layering of docs/architecture.md, read from the project files and from restore's package closure
/// (obj/project.assets.json, which lists every package and project a project depends on, transitively).
/// </summary>
public class ProjectGraphTests
{
    private static string Src(string project) => Path.Combine(DeployTests.Root(), "src", project, project + ".csproj");

    /// <summary>Every project reachable from <paramref name="project"/> through ProjectReference, itself included.</summary>
    private static HashSet<string> ProjectClosure(string project)
    {
        var seen = new HashSet<string>();
        var stack = new Stack<string>([Path.GetFullPath(Src(project))]);
        while (stack.Count > 0)
        {
            var path = stack.Pop();
            if (!seen.Add(Path.GetFileNameWithoutExtension(path))) continue;
            foreach (var r in XDocument.Load(path).Descendants("ProjectReference"))
                stack.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, r.Attribute("Include")!.Value)));
        }
        return seen;
    }

    private static IEnumerable<string> PackageClosure(string project)
    {
        var assets = Path.Combine(DeployTests.Root(), "src", project, "obj", "project.assets.json");
        Assert.True(File.Exists(assets), $"{assets} is missing: restore the solution first");
        var libraries = JsonNode.Parse(File.ReadAllText(assets))!["libraries"]!.AsObject();
        return libraries.Where(kv => kv.Value!["type"]!.GetValue<string>() == "package").Select(kv => kv.Key.Split('/')[0]);
    }

    [Theory]
    [InlineData("Sweep.Numerics")]
    [InlineData("Sweep.Campaigns")]
    [InlineData("Sweep.Results")]
    [InlineData("Sweep.Reporting")]
    [InlineData("Sweep.Web")]
    public void Projects_that_are_not_actors_have_no_akka_package_in_their_closure(string project)
    {
        var akka = PackageClosure(project).Where(p => p.StartsWith("Akka", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(akka.Count == 0, $"{project} depends on {string.Join(", ", akka)}");
        Assert.DoesNotContain("Sweep.Messages", ProjectClosure(project));
    }

    [Fact]
    public void The_coordinator_does_not_reference_the_worker_and_they_meet_only_in_hosting_and_the_cli()
    {
        Assert.DoesNotContain("Sweep.Worker", ProjectClosure("Sweep.Coordinator"));
        Assert.DoesNotContain("Sweep.Coordinator", ProjectClosure("Sweep.Worker"));
        Assert.Contains("Sweep.Worker", ProjectClosure("Sweep.Hosting"));
        Assert.Contains("Sweep.Coordinator", ProjectClosure("Sweep.Hosting"));
    }

    [Fact]
    public void The_flow_of_a_sample_never_reaches_back_up_the_chain()
    {
        // campaign → results → messages → coordinator/worker → hosting → cli: no project depends on one further down.
        string[] chain = ["Sweep.Numerics", "Sweep.Campaigns", "Sweep.Results", "Sweep.Messages", "Sweep.Hosting", "Sweep.Cli"];
        for (int i = 0; i < chain.Length; i++)
            foreach (var later in chain.Skip(i + 1))
                Assert.DoesNotContain(later, ProjectClosure(chain[i]));
    }

    [Fact]
    public void Every_akka_package_in_the_cli_closure_has_one_version()
    {
        var assets = JsonNode.Parse(File.ReadAllText(Path.Combine(DeployTests.Root(), "src", "Sweep.Cli", "obj", "project.assets.json")))!["libraries"]!.AsObject();
        var versions = assets.Select(kv => kv.Key.Split('/'))
            .Where(k => k[0].StartsWith("Akka", StringComparison.Ordinal) && k[0] is not "Akka.Logger.Serilog" and not "Akka.Analyzers")
            .Select(k => k[1]).Distinct().ToList();
        Assert.True(versions.Count == 1, $"Akka packages at several versions: {string.Join(", ", versions)}");
    }
}
