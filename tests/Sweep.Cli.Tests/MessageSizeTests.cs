namespace Sweep.Cli.Tests;

/// <summary>
/// A cluster campaign whose shard results could exceed the remoting frame (16 MiB) would stall (the message is dropped):
/// `sweep coordinator` refuses it with exit 2 and one line naming shard_size, the limit and the largest shard_size that
/// fits, before its folder is touched; the bound itself is tested in ShardMessageBoundTests.
/// </summary>
public class MessageSizeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    [Fact]
    public void A_coordinator_refuses_shards_whose_results_could_exceed_the_frame()
    {
        var dir = Temp.Dir();
        var file = Temp.Campaign(dir, Campaigns.Tiny.Replace("\"samples\": 10, \"shard_size\": 5", "\"samples\": 200000, \"shard_size\": 200000, \"analysis\": { \"itinerary\": true }"));
        var out_ = Path.Combine(dir, "out");
        var r = SweepProcess.Run(Timeout, "coordinator", file, "--out", out_, "--port", "1");
        Assert.Equal(2, r.Exit);
        Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
        Assert.Contains("shard_size 200000", r.Err);
        Assert.Contains("16 MiB", r.Err);
        var fits = System.Text.RegularExpressions.Regex.Match(r.Err, @"lower shard_size to at most (\d+)");
        Assert.True(fits.Success, r.Err);
        Assert.InRange(long.Parse(fits.Groups[1].Value), 100, 199_999);
        Assert.DoesNotContain("   at ", r.Err);
        Assert.False(Directory.Exists(out_));
        Directory.Delete(dir, true);
    }
}
