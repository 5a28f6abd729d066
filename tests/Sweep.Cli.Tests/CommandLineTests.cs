using System.Text.RegularExpressions;

namespace Sweep.Cli.Tests;

/// <summary>Help, version and bad usage: nothing here starts a cluster.</summary>
public class CommandLineTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    private static void AssertOneErrorLine(string stderr)
    {
        Assert.StartsWith("error: ", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public void Run_help_describes_its_arguments_and_options()
    {
        var (exit, stdout, _) = SweepProcess.Run(Timeout, "run", "--help");
        Assert.Equal(0, exit);
        Assert.Contains("CAMPAIGN", stdout);
        Assert.Contains("--out", stdout);
        Assert.Contains("-o", stdout);
        Assert.Contains("--workers", stdout);
        Assert.Contains("solver threads", stdout);
        Assert.Equal(0, SweepProcess.Run(Timeout, "help", "worker").Exit);
    }

    [Fact]
    public void Version_is_the_informational_version_with_the_commit_when_built_from_git()
    {
        var (exit, stdout, _) = SweepProcess.Run(Timeout, "--version");
        Assert.Equal(0, exit);
        var version = stdout.Trim();
        Assert.Matches(new Regex(@"^\d+\.\d+\.\d+(\+[0-9a-f]{40}(\.dirty)?)?$"), version);   // .dirty: built with uncommitted changes
        if (Path.Exists(Path.Combine(DeployTests.Root(), ".git"))) Assert.Contains("+", version);
    }

    [Fact]
    public void A_misspelled_option_is_one_error_line_that_names_the_right_one()
    {
        var (exit, _, stderr) = SweepProcess.Run(Timeout, "run", "x.json", "--out", "y", "--wrokers", "2");
        Assert.Equal(2, exit);
        AssertOneErrorLine(stderr);
        Assert.Contains("--wrokers", stderr);
        Assert.Contains("did you mean '--workers'", stderr);
    }

    [Fact]
    public void An_unknown_command_is_refused_with_a_hint()
    {
        var (exit, _, stderr) = SweepProcess.Run(Timeout, "reprot", "runs/x");
        Assert.Equal(2, exit);
        AssertOneErrorLine(stderr);
        Assert.Contains("unknown command 'reprot'", stderr);
        Assert.Contains("did you mean 'report'", stderr);
    }

    [Fact]
    public void Bad_values_are_one_error_line_and_no_arguments_print_the_help_with_exit_2()
    {
        foreach (var args in new[] { ["run", "x.json", "-o", "y", "-w", "0"], ["run", "x.json", "-o", "y", "-w", "many"], new[] { "coordinator", "x.json", "-o", "y" } })
        {
            var (exit, _, stderr) = SweepProcess.Run(Timeout, args);
            Assert.Equal(2, exit);
            AssertOneErrorLine(stderr);
        }
        var none = SweepProcess.Run(Timeout);
        Assert.Equal(2, none.Exit);
        Assert.Contains("Commands:", none.Out);
    }
}
