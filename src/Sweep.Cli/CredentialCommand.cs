using Sweep.Campaigns;

namespace Sweep.Cli;

/// <summary>
/// `sweep credential CAMPAIGN -o FILE`: issues a join token for that campaign (its identity hash and a fresh secret), to be
/// given to its coordinator and workers with --join-token, e.g. as a Kubernetes or compose secret made before either starts.
/// </summary>
public static class CredentialCommand
{
    /// <param name="sets">The coordinator's `--set` overrides: the token opens the campaign they make (a grown one has a new hash).</param>
    public static int Execute(string campaignPath, string output, IReadOnlyList<string>? sets = null)
    {
        var campaign = CampaignLoader.Load(campaignPath, overrides: sets);
        var token = JoinToken.Issue(campaign.Hash);
        JoinTokenFile.Write(output, token, overwrite: false);
        Console.WriteLine($"wrote the join token of campaign '{campaign.Name}' ({campaign.Hash}) to {output} (mode 0600): " +
            $"sweep coordinator {campaignPath}{string.Concat((sets ?? []).Select(x => $" --set {UserError.Printable(x)}"))} … --join-token {output}, and sweep worker … --join-token {output}");
        return 0;
    }
}
