using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Sweep.Cli.Tests;

namespace Sweep.Web.Tests;

/// <summary>
/// `sweep serve` as a user meets it: a real `sweep run` and a real `sweep serve` (child processes), the page opened in
/// Debian's chromium driven by Playwright (no browser download; `.ci/run` installs chromium). The page's numbers change
/// while the run writes the store, reach the totals when it ends, its figures load, the browser logs no error, and
/// the view writes nothing into the campaign folder.
/// </summary>
public class LiveViewBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    // About 3 000 samples on one worker: seconds. The run is held with SIGSTOP while the page first reads it, so that the
    // page sees it in progress however fast the machine is.
    private const string Campaign = """
        { "name": "live", "seed": 3,
          "problem": { "kind": "canonical", "singular_values": [3, 1.5, 0.4], "input_dim": 4 },
          "network": { "hidden": [4, 4] },
          "init": { "kind": "gaussian", "scale": 0.1 },
          "dynamics": { "method": "flow", "t_max": 60, "rtol": 1e-7, "atol": 1e-9 },
          "samples": 1500, "shard_size": 50,
          "sweep": { "init.scale": [0.05, 0.2] } }
        """;

    private static string Listing(string dir) => string.Join("\n", Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order()
        .Select(p => $"{p} {(File.Exists(p) ? new FileInfo(p).Length : 0)} {File.GetLastWriteTimeUtc(p):O}"));

    [Fact]
    public async Task The_page_follows_a_running_campaign_and_shows_its_figures()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install -y chromium (.ci/run does)");
        var dir = Temp.Dir();
        var outDir = Path.Combine(dir, "out");
        using var run = SweepProcess.Start("run", Temp.Campaign(dir, Campaign), "--out", outDir, "--workers", "1");
        SweepProcess? serve = null;
        try
        {
            // The store holds the campaign once the run has said what it runs; hold the run there.
            Assert.True(run.WaitForOutput("campaign 'live'", Timeout), run.Stdout + run.Stderr);
            run.Signal("STOP");
            serve = SweepProcess.Start("serve", outDir, "--port", "0");
            Assert.True(serve.WaitForOutput("serving", Timeout), serve.Stdout + serve.Stderr);
            string url = Regex.Match(serve.Stdout, @"http://127\.0\.0\.1:\d+/").Value;
            Assert.NotEmpty(url);

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Chromium, Headless = true,
                Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            });
            var page = await browser.NewPageAsync();
            var errors = new List<string>();
            page.Console += (_, m) => { if (m.Type == "error") lock (errors) errors.Add(m.Text); };
            page.PageError += (_, e) => { lock (errors) errors.Add(e); };
            page.SetDefaultTimeout((float)Timeout.TotalMilliseconds);
            await page.GotoAsync(url);

            // The page reads the held run (in progress: not complete), then the number of samples changes once it goes on.
            await page.WaitForFunctionAsync("() => document.getElementById('campaign').textContent.startsWith('live')");
            Assert.Equal("in progress or stopped", await page.InnerTextAsync("#state"));
            string first = await page.InnerTextAsync("#done");
            Assert.True(long.Parse(first) < 3000);
            run.Signal("CONT");
            await page.WaitForFunctionAsync("first => document.getElementById('done').textContent !== first", first);
            Assert.True(long.Parse(await page.InnerTextAsync("#done")) > long.Parse(first));

            // …and reaches the totals once the run has ended, with every point's outcomes and exact intervals.
            Assert.True(run.WaitForExit(Timeout));
            Assert.Equal(0, run.ExitCode);
            await page.WaitForFunctionAsync("() => document.getElementById('state').textContent === 'complete'");
            Assert.Equal("3000", await page.InnerTextAsync("#done"));
            var rows = page.Locator("#points tbody tr");
            Assert.Equal(2, await rows.CountAsync());
            Assert.Equal("scale=0.05", await rows.Nth(0).Locator("[data-col=label]").InnerTextAsync());
            Assert.Equal("1500 / 1500", await rows.Nth(1).Locator("[data-col=samples]").InnerTextAsync());
            Assert.Matches(@"^\d+ = [\d.e-]+ \[[\d.e-]+, [\d.e-]+\]$", await rows.Nth(0).Locator("[data-col=global]").InnerTextAsync());

            // The figures drawn from the final samples load in the page.
            await page.WaitForFunctionAsync("() => document.getElementById('figures-state').textContent.includes('from 3000 samples')");
            var before = Listing(outDir);
            await page.WaitForFunctionAsync("""
                () => { const imgs = [...document.querySelectorAll('#figures img')];
                        return imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth > 0); }
                """);
            Assert.Contains("uncertified-share", await page.InnerTextAsync("#figures"));
            // Two more readings of the store: still nothing written into the campaign folder.
            string read = await page.InnerTextAsync("#updated");
            await page.WaitForFunctionAsync("r => document.getElementById('updated').textContent !== r", read);
            var after = Listing(outDir);
            Assert.True(before == after, $"the campaign folder changed:\n{string.Join("\n", before.Split('\n').Except(after.Split('\n')))}\n→\n{string.Join("\n", after.Split('\n').Except(before.Split('\n')))}");
            lock (errors) Assert.True(errors.Count == 0, "console errors: " + string.Join("\n", errors));

            serve.Signal("TERM");
            Assert.True(serve.WaitForExit(TimeSpan.FromSeconds(30)));
            Assert.Equal(0, serve.ExitCode);
            Assert.Empty(Directory.GetDirectories(Path.GetTempPath(), $"sweep-serve-{serve.Id}-*"));
        }
        finally
        {
            if (serve is { HasExited: false }) serve.Kill();
            serve?.Dispose();
            if (!run.HasExited) { run.Signal("CONT"); run.Kill(); }
        }
        Directory.Delete(dir, recursive: true);
    }
}
