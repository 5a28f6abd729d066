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

    /// <summary>The stream the initial weights are drawn from.</summary>
    public SampleStream(long seed, int point, long sample) : this(seed, point, sample, InitialWeights) { }

    /// <param name="purpose">
    /// Which of the sample's independent streams: <see cref="InitialWeights"/> (the initializer's) or
    /// <see cref="Minibatches"/> (minibatch SGD's), so that one consumer never shifts the other's draws.
    /// </param>
    public SampleStream(long seed, int point, long sample, ulong purpose)
    {
        ulong key = Mix((ulong)seed ^ 0x9E3779B97F4A7C15UL);
        key = Mix(key ^ ((ulong)(uint)point * 0xD1B54A32D192ED03UL + 0x632BE59BD9B4E019UL));
        key = Mix(key ^ ((ulong)sample * 0xAEF17502108EF2D9UL + 0x8CB92BA72F3D8DD7UL));
        // The initial-weight stream keeps the key it always had; every other purpose absorbs one more coordinate.
        if (purpose != InitialWeights) key = Mix(key ^ (purpose * 0xCA5A826395121157UL + 0x9FB21C651E98DF25UL));
        ulong x = key;
        _s0 = SplitMix(ref x); _s1 = SplitMix(ref x); _s2 = SplitMix(ref x); _s3 = SplitMix(ref x);
    }

    /// <summary>The initial weights' stream (the key of (seed, point, sample) alone).</summary>
    public const ulong InitialWeights = 0;
    /// <summary>Minibatch SGD's stream of example permutations.</summary>
    public const ulong Minibatches = 1;

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

    /// <summary>
    /// Uniform on {0, …, n − 1} (n ≥ 1), exactly: Lemire's multiply-shift with rejection of the few values that would
    /// bias it (no division on the common path).
    /// </summary>
    public int NextBelow(int n)
    {
        ulong bound = (ulong)n;
        UInt128 product = (UInt128)NextUInt64() * bound;
        ulong low = (ulong)product;
        if (low < bound)
        {
            ulong threshold = (0 - bound) % bound;
            while (low < threshold)
            {
                product = (UInt128)NextUInt64() * bound;
                low = (ulong)product;
            }
        }
        return (int)(product >> 64);
    }

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
