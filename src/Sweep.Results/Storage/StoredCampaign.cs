using Sweep.Campaigns;

namespace Sweep.Results.Storage;

/// <summary>A campaign as recorded in DIR, opened read-only for status, reports and exports.</summary>
public static class StoredCampaign
{
    /// <param name="quickCheck">SQLite's page-by-page check first (<see cref="CampaignStore.OpenForReading"/>); `status` skips it.</param>
    public static (Campaign Campaign, CampaignStore Store) Open(string dir, bool quickCheck = true)
    {
        var store = CampaignStore.OpenForReading(CampaignStore.PathIn(dir), quickCheck);
        var json = store.TryGetMeta("campaign");
        if (json is null)
        {
            store.Dispose();
            throw new UserError($"'{dir}' holds no campaign yet");
        }
        // Data problems name their CSVs relative to the campaign file, whose directory was recorded.
        try
        {
            string baseDir = store.TryGetMeta("base_dir") ?? dir;
            var campaign = CampaignLoader.Parse(json, baseDir);
            // A store written before the flow integrator auto existed was run by dp45: read it as it was run.
            if (campaign.LegacyHash is { } legacy && store.TryGetMeta("hash") == legacy)
                campaign = CampaignLoader.Parse(json, baseDir, Sweep.Numerics.Integration.FlowIntegrator.Dp45);
            return (campaign, store);
        }
        catch (UserError e)
        {
            // The stored campaign was valid when it was stored: this is damage (or its data files changed), not a
            // command the user can correct.
            store.Dispose();
            throw new InvalidDataException($"cannot rebuild the campaign stored in '{dir}': {e.Message}", e);
        }
    }
}
