using Sweep.Campaigns;

namespace Sweep.Results.Storage;

/// <summary>Why a stored campaign could not be opened; <see cref="UserError"/> selects exit code 2 over 1.</summary>
public sealed class StoredCampaignException(string message, bool userError) : Exception(message)
{
    public bool UserError { get; } = userError;
}

/// <summary>A campaign as recorded in DIR, opened read-only for status, reports and exports.</summary>
public static class StoredCampaign
{
    public static (Campaign Campaign, CampaignStore Store) Open(string dir)
    {
        var (store, error) = CampaignStore.Open(CampaignStore.PathIn(dir), readOnly: true);
        if (store is null) throw new StoredCampaignException(error!.Message, error.UserError);
        var json = store.TryGetMeta("campaign");
        if (json is null)
        {
            store.Dispose();
            throw new StoredCampaignException($"'{dir}' holds no campaign yet", true);
        }
        // Data problems name their CSVs relative to the campaign file, whose directory was recorded.
        var (campaign, parseError) = CampaignLoader.Parse(json, store.TryGetMeta("base_dir") ?? dir);
        if (campaign is null)
        {
            store.Dispose();
            throw new StoredCampaignException($"cannot rebuild the campaign stored in '{dir}': {parseError}", false);
        }
        return (campaign, store);
    }
}
