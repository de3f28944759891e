using FastLstm.Kernels;
using Xunit;

namespace FastLstm.Tests.Kernels;

/// <summary>Inputs shared by the cell kernels' tests: seeded uniform values and the ISA-level theory rows.</summary>
internal static class KernelTestData
{
    /// <summary>Every <see cref="IsaLevel"/>, each with a flag off and on (a cell's variant: relu, linear_before_reset, a bias).</summary>
    public static TheoryData<IsaLevel, bool> LevelsAndFlag()
    {
        var data = new TheoryData<IsaLevel, bool>();
        foreach (IsaLevel level in Enum.GetValues<IsaLevel>())
        {
            data.Add(level, false);
            data.Add(level, true);
        }

        return data;
    }

    /// <summary><paramref name="length"/> values drawn uniformly from [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static float[] Uniform(int length, float low, float high, Random random)
    {
        var values = new float[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = low + ((high - low) * random.NextSingle());
        }

        return values;
    }
}
