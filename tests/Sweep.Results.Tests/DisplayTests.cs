using Sweep.Results.Output;

namespace Sweep.Results.Tests;

public sealed class DisplayTests
{
    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(1.0, "1")]
    [InlineData(0.5, "0.5")]
    [InlineData(0.0012345, "0.0012")]
    [InlineData(1.75e-5, "1.75e-5")]       // 7 of 400 000: must not print as 0
    [InlineData(1.2345e-7, "1.23e-7")]
    [InlineData(12.5, "12.5")]
    [InlineData(0.99997, "0.99997")]        // 3 unresolved of 100 000: must not print as 1
    [InlineData(0.9999, "0.9999")]
    public void Small_fractions_keep_their_significant_digits(double value, string expected) =>
        Assert.Equal(expected, Display.Short(value));
}
