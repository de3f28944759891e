using Xunit;
using FastLstm.Training;

namespace FastLstm.Tests.Training;

public class GradientClippingTests
{
    private static ParameterList[] Lists(float[] first, float[] second)
    {
        var a = new Dense(1, first.Length, bias: false);
        var b = new Dense(1, second.Length, bias: false);
        first.CopyTo(a.Parameters.Gradients);
        second.CopyTo(b.Parameters.Gradients);
        return [a.Parameters, b.Parameters];
    }

    [Fact]
    public void GlobalNorm_SpansAllLists()
    {
        ParameterList[] lists = Lists([3f, 0f], [0f, 4f]);
        Assert.Equal(5.0, GradientClipping.GlobalNorm(lists), 12);
    }

    [Fact]
    public void ClipByGlobalNorm_AboveMax_ScalesToMax()
    {
        ParameterList[] lists = Lists([3f, 0f], [0f, 4f]);
        double before = GradientClipping.ClipByGlobalNorm(lists, 1f);
        Assert.Equal(5.0, before, 12);

        // PyTorch's coefficient max/(norm + 1e-6): the clipped norm is just below 1.
        Assert.Equal(1.0, GradientClipping.GlobalNorm(lists), 5);
        Assert.Equal(0.6f, lists[0].Gradients[0], 5);
        Assert.Equal(0.8f, lists[1].Gradients[1], 5);
    }

    [Fact]
    public void ClipByGlobalNorm_BelowMax_LeavesGradients()
    {
        ParameterList[] lists = Lists([0.3f, 0f], [0f, 0.4f]);
        GradientClipping.ClipByGlobalNorm(lists, 1f);
        Assert.Equal(0.3f, lists[0].Gradients[0]);
        Assert.Equal(0.4f, lists[1].Gradients[1]);
    }

    [Fact]
    public void ClipByValue_ClampsEachValue_KeepsNaN()
    {
        ParameterList[] lists = Lists([3f, -0.5f], [-4f, float.NaN]);
        GradientClipping.ClipByValue(lists, 1f);
        Assert.Equal([1f, -0.5f], lists[0].Gradients.ToArray());
        Assert.Equal(-1f, lists[1].Gradients[0]);
        Assert.True(float.IsNaN(lists[1].Gradients[1]));
    }

    [Fact]
    public void GlobalNorm_WithInfinity_IsNotFinite()
    {
        ParameterList[] lists = Lists([float.PositiveInfinity, 0f], [0f, 0f]);
        Assert.False(double.IsFinite(GradientClipping.GlobalNorm(lists)));
    }
}
