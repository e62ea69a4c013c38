using System.Numerics;
using System.Runtime.CompilerServices;

namespace QuantumPlanner.Solvers.Randomness;

/// <summary>
/// xoshiro256** generator: a value type so kernels keep it in registers, with no allocation.
/// Streams for reads/replicas come from <see cref="ForStream"/>, so results never depend on thread scheduling.
/// </summary>
public struct Xoshiro256
{
    private ulong s0;
    private ulong s1;
    private ulong s2;
    private ulong s3;

    public Xoshiro256(ulong seed)
    {
        var x = seed;
        s0 = SplitMix64(ref x);
        s1 = SplitMix64(ref x);
        s2 = SplitMix64(ref x);
        s3 = SplitMix64(ref x);
    }

    /// <summary>An independent generator for stream <paramref name="stream"/> (a read or replica index) of a seed.</summary>
    public static Xoshiro256 ForStream(ulong seed, long stream)
    {
        var x = seed ^ (0x9E3779B97F4A7C15UL * (ulong)(stream + 1));
        return new Xoshiro256(SplitMix64(ref x));
    }

    /// <summary>A seed drawn from the OS when the user gave none; reported back in SampleSet.Info.</summary>
    public static ulong RandomSeed() => (ulong)Random.Shared.NextInt64() ^ ((ulong)Environment.TickCount64 << 32);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        var result = BitOperations.RotateLeft(s1 * 5, 7) * 9;
        var t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = BitOperations.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n) (Lemire's multiply-shift; bias below 2^-32 for n &lt; 2^32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int NextInt(int n) => (int)(((NextUInt64() >> 32) * (ulong)n) >> 32);

    private static ulong SplitMix64(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
