namespace Sweep.Results.Output;

/// <summary>
/// What a shard's samples cost: their gradient evaluations, and their Hessians with the number of samples that
/// counted them (a sample read back from an older store carries no Hessian count). The allocation's cost model
/// (gradients, Hessians and their reductions per sample) and the time to go are priced from these; no result is.
/// </summary>
public readonly record struct ShardCost(long Evaluations, long Hessians, long HessianSamples)
{
    /// <summary>The counts of a shard's records, as the stream folds them.</summary>
    public static ShardCost Of(IEnumerable<SampleRecord> samples)
    {
        var cost = new ShardCost();
        foreach (var s in samples)
            cost = s.HessianEvaluations >= 0
                ? new(cost.Evaluations + s.RhsEvaluations, cost.Hessians + s.HessianEvaluations, cost.HessianSamples + 1)
                : cost with { Evaluations = cost.Evaluations + s.RhsEvaluations };
        return cost;
    }

    /// <summary>The worker's counts when it sent them, else those of the records.</summary>
    public static ShardCost Of(ShardOutput? encoded, IEnumerable<SampleRecord> samples) =>
        encoded is not null ? new(encoded.Evaluations, encoded.Hessians, encoded.HessianSamples) : Of(samples);

    /// <summary>More than any sample takes of either (a budget of 10^7 steps at 7 gradients each is under 2^27).</summary>
    public const long MaxPerSample = 1L << 40;

    /// <summary>
    /// Counts a shard of <paramref name="count"/> samples can have: none negative, at most <see cref="MaxPerSample"/>
    /// per sample, no Hessians without samples that counted them. Others (damage, a bad worker) are not used.
    /// </summary>
    public bool PlausibleFor(int count) =>
        count >= 0 && Evaluations >= 0 && Evaluations <= count * MaxPerSample
        && HessianSamples >= 0 && HessianSamples <= count && Hessians >= 0 && Hessians <= HessianSamples * MaxPerSample;
}
