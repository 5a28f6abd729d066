namespace Sweep.Campaigns;

/// <summary>
/// What a campaign keeps (<c>"storage"</c>): every sample's row (<see cref="Full"/>, the default: the store's sample
/// blobs, samples.csv, export) or only each shard's statistics (<see cref="Aggregate"/>: counts, labels, binned time
/// histograms; no per-sample row anywhere, no samples.csv), for campaigns too large to keep ~200 bytes per sample.
/// </summary>
public enum StorageMode
{
    Full,
    Aggregate,
}
