using Sweep.Numerics.Kernels;

namespace Sweep.Numerics.Sampling;

/// <summary>
/// A counter-based random stream: the state is a hash of (campaign seed, point index, sample index) alone, so a
/// sample's initial weights are the same whatever worker, node or shard draws them. The key is mixed with the
/// SplitMix64 finaliser (each coordinate absorbed in turn with its own odd constant) and seeds xoshiro256**;
/// normals come from the Marsaglia polar method, which needs only log and sqrt: sqrt is correctly rounded everywhere,
/// and the log is <see cref="IeeeMath.Log"/> (not the platform's), so the draws are the same bits on every machine.
/// </summary>
public sealed class SampleStream
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spare;
    private bool _hasSpare;

    public SampleStream(long seed, int point, long sample)
    {
        ulong key = Mix((ulong)seed ^ 0x9E3779B97F4A7C15UL);
        key = Mix(key ^ ((ulong)(uint)point * 0xD1B54A32D192ED03UL + 0x632BE59BD9B4E019UL));
        key = Mix(key ^ ((ulong)sample * 0xAEF17502108EF2D9UL + 0x8CB92BA72F3D8DD7UL));
        ulong x = key;
        _s0 = SplitMix(ref x); _s1 = SplitMix(ref x); _s2 = SplitMix(ref x); _s3 = SplitMix(ref x);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        return Mix(x);
    }

    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform on [0, 1) with 53 random bits.</summary>
    public double NextUniform() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public double NextGaussian()
    {
        if (_hasSpare) { _hasSpare = false; return _spare; }
        double u, v, s;
        do
        {
            u = 2 * NextUniform() - 1;
            v = 2 * NextUniform() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double f = Math.Sqrt(-2 * IeeeMath.Log(s) / s);
        _spare = v * f;
        _hasSpare = true;
        return u * f;
    }
}
