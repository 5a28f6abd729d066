using Sweep.Campaigns;

namespace Sweep.Cli;

/// <summary>
/// `sweep credential CAMPAIGN -o FILE`: issues a join token for that campaign (its identity hash and a fresh secret), to be
/// given to its coordinator and workers with --join-token, e.g. as a Kubernetes or compose secret made before either starts.
/// </summary>
public static class CredentialCommand
{
    public static int Execute(string campaignPath, string output)
    {
        var campaign = CampaignLoader.Load(campaignPath);
        var token = JoinToken.Issue(campaign.Hash);
        JoinTokenFile.Write(output, token, overwrite: false);
        Console.WriteLine($"wrote the join token of campaign '{campaign.Name}' ({campaign.Hash}) to {output} (mode 0600): " +
            $"sweep coordinator {campaignPath} … --join-token {output}, and sweep worker … --join-token {output}");
        return 0;
    }
}
