using Sweep.Numerics.Analysis;

namespace Sweep.Numerics.Integration;

/// <summary>
/// The label changes of one trajectory in a fixed buffer of <see cref="Capacity"/> entries (mask, entry time),
/// allocated once per lane: <see cref="Observe"/> allocates nothing. A trajectory that learns modes one by one has
/// at most d_y + 1 ≤ 31 entries, so the bound is only reached by a trajectory that keeps changing label (a discrete
/// method oscillating across a threshold of the Z rule). Past it the first <see cref="Capacity"/> − 1 entries stay,
/// the last slot always holds the latest change (so the itinerary ends at the label of the stop) and the changes in
/// between are counted as omitted.
/// </summary>
public sealed class ItineraryRecorder
{
    /// <summary>Entries kept per trajectory: more than any itinerary that learns each of at most 30 modes once.</summary>
    public const int Capacity = 32;

    private readonly int[] _masks = new int[Capacity];
    private readonly double[] _times = new double[Capacity];
    private int _count, _omitted;

    /// <summary>Starts a trajectory in label <paramref name="mask"/> at <paramref name="time"/>.</summary>
    public void Start(int mask, double time)
    {
        _count = 0;
        _omitted = 0;
        Append(mask, time);
    }

    /// <summary>The label of an accepted state: recorded when it differs from the current one.</summary>
    public void Observe(int mask, double time)
    {
        if (mask != _masks[_count - 1]) Append(mask, time);
    }

    private void Append(int mask, double time)
    {
        if (_count == Capacity)
        {
            _omitted++;
            _count--;
        }
        _masks[_count] = mask;
        _times[_count] = time;
        _count++;
    }

    /// <summary>The itinerary so far (allocates: once per trajectory, at its end).</summary>
    public Itinerary ToItinerary()
    {
        var entries = new ItineraryEntry[_count];
        for (int i = 0; i < _count; i++) entries[i] = new ItineraryEntry(_masks[i], _times[i]);
        return new Itinerary(entries, _omitted);
    }
}
