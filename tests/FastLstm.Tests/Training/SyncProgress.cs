using Xunit;
using FastLstm.Training;

namespace FastLstm.Tests.Training;

/// <summary>An IProgress that runs its action at once on the reporting thread (Progress&lt;T&gt; would post it elsewhere).</summary>
internal sealed class SyncProgress(Action<TrainingProgress> action) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => action(value);
}
