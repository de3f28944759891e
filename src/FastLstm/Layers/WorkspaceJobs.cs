namespace FastLstm;

/// <summary>The job objects one workspace reuses for its threaded forward and backward passes (allocated once).</summary>
internal sealed class WorkspaceJobs(int threads)
{
    public ProjectionJob Projection { get; } = new();

    public UnitStepsJob UnitSteps { get; } = new(threads);

    public ForwardRowsJob Rows { get; } = new();

    public WeightGradientJob WeightGradients { get; } = new();

    public BackwardRecurrenceJob BackwardRecurrence { get; } = new();
}
