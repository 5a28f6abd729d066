namespace Sweep.Campaigns;

/// <summary>A problem with user input, naming the field (a dotted path) it concerns. Reported with exit code 2.</summary>
public sealed record CampaignError(string Field, string Message)
{
    public override string ToString() => Field.Length == 0 ? Message : $"{Field}: {Message}";
}

/// <summary>Thrown only inside the parser to unwind to its single catch; never escapes <see cref="CampaignLoader"/>.</summary>
internal sealed class CampaignErrorException(CampaignError error) : Exception(error.ToString())
{
    public CampaignError Error { get; } = error;
}
