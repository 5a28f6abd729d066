namespace Sweep.Cli.Tests;

public class ProgressViewTests
{
    [Theory]
    [InlineData(59, "00:00:59")]
    [InlineData(3 * 3600 + 5, "03:00:05")]
    [InlineData(30 * 3600, "1d 06:00:00")]          // a day and more: the days are not dropped
    [InlineData(3 * 86400 + 61, "3d 00:01:01")]
    public void The_eta_keeps_its_days(int seconds, string expected) => Assert.Equal(expected, ProgressView.Eta(TimeSpan.FromSeconds(seconds)));
}
