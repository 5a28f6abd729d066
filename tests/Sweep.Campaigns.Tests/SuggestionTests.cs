using Sweep.Campaigns;

namespace Sweep.Campaigns.Tests;

public class SuggestionTests
{
    [Theory]
    [InlineData("--wrokers", "--workers,--out", "--workers")]                   // a transposition is one edit
    [InlineData("reprot", "run,status,report,export", "report")]
    [InlineData("betta", "method,learning_rate,beta,max_iters", "beta")]
    [InlineData("beta", "method,learning_rate,beta1,beta2", "beta1")]            // truncated: the shorter, then the earlier
    [InlineData("sewep", "name,seed,samples,sweep", "sweep")]                   // one transposition beats two plain edits
    public void The_nearest_name_is_suggested(string typed, string candidates, string expected) =>
        Assert.Equal(expected, Suggestion.Nearest(typed, candidates.Split(',')));

    [Fact]
    public void Nothing_is_suggested_when_no_name_is_close() =>
        Assert.Null(Suggestion.Nearest("zzzz", ["method", "learning_rate", "max_iters"]));

    [Theory]
    [InlineData("abc", "abc", 0)]
    [InlineData("ab", "ba", 1)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("", "four", 4)]
    public void The_distance_is_levenshtein_with_adjacent_transpositions(string a, string b, int d) =>
        Assert.Equal(d, Suggestion.Distance(a, b));
}
