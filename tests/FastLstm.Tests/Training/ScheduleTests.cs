using Xunit;
using FastLstm.Training;

namespace FastLstm.Tests.Training;

public class ScheduleTests
{
    [Fact]
    public void Step_DecaysEveryStepSize()
    {
        var schedule = new StepSchedule(10, 0.5);
        Assert.Equal(1.0, schedule.Factor(0));
        Assert.Equal(1.0, schedule.Factor(9));
        Assert.Equal(0.5, schedule.Factor(10));
        Assert.Equal(0.25, schedule.Factor(25));
    }

    [Fact]
    public void Cosine_FromOneToMinimum()
    {
        var schedule = new CosineSchedule(100, 0.1);
        Assert.Equal(1.0, schedule.Factor(0), 12);
        Assert.Equal(0.55, schedule.Factor(50), 12);
        Assert.Equal(0.1, schedule.Factor(100), 12);
        Assert.Equal(0.1, schedule.Factor(1000), 12);
    }

    [Fact]
    public void Warmup_RampsLinearlyThenHandsOver()
    {
        var schedule = new WarmupSchedule(4, new StepSchedule(2, 0.5));
        Assert.Equal(0.25, schedule.Factor(0));
        Assert.Equal(1.0, schedule.Factor(3));
        Assert.Equal(1.0, schedule.Factor(5));
        Assert.Equal(0.5, schedule.Factor(6));
    }
}
