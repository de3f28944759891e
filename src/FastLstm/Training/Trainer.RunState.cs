namespace FastLstm.Training;

public sealed partial class Trainer
{
    /// <summary>The bookkeeping of one run shared by <see cref="Fit"/> and <see cref="FitStream"/>: progress, divergence, history, best weights.</summary>
    private sealed class RunState
    {
        private readonly Trainer _trainer;
        private readonly int _batches;
        private readonly IProgress<TrainingProgress>? _progress;
        private readonly BestWeights _best;
        private readonly List<EpochRecord> _history = [];
        private StepResult _last;

        public RunState(Trainer trainer, int batches, IProgress<TrainingProgress>? progress)
        {
            _trainer = trainer;
            _batches = batches;
            _progress = progress;
            _best = new BestWeights(trainer.Model, trainer.Options.Monitor, trainer.Options.MinDelta);
        }

        /// <summary>Stops on a non-finite step (restoring the best weights) and reports progress.</summary>
        public void AfterStep(int epoch, int batch, StepResult step)
        {
            if (step.Diverged is not null)
            {
                _best.Restore();
                throw new TrainingDivergedException(epoch, batch, step.Diverged, step.Value, _best.Epoch);
            }

            _last = step;
            int interval = _trainer.Options.ProgressInterval;
            if (_progress is not null && interval > 0 && (batch + 1) % interval == 0)
            {
                _progress.Report(Report(epoch, batch + 1, isEpochEnd: false, _trainer._metrics.Result(), MetricValues.None));
            }
        }

        /// <summary>Closes an epoch: best weights, history, progress; returns true when early stopping ends the run.</summary>
        public bool EndEpoch(int epoch, MetricValues train, MetricValues validation)
        {
            TrainerOptions options = _trainer.Options;
            MetricValues monitored = validation.HasValues ? validation : train;
            double value = monitored.Get(options.Monitor);
            if (!double.IsFinite(value) || !double.IsFinite(monitored.Loss))
            {
                _best.Restore();
                string what = (validation.HasValues ? "validation " : "training ") + MetricValues.Describe(options.Monitor);
                throw new TrainingDivergedException(epoch, -1, what, double.IsFinite(value) ? monitored.Loss : value, _best.Epoch);
            }

            bool improved = _best.Offer(epoch, value);
            _history.Add(new EpochRecord(epoch, train, validation, _trainer.Optimizer.LearningRate, improved));
            _progress?.Report(Report(epoch, _batches, isEpochEnd: true, train, validation));
            return options.Patience > 0 && _best.EpochsWithoutImprovement >= options.Patience;
        }

        public TrainingResult Finish(StopReason reason)
        {
            if (_trainer.Options.RestoreBestWeights && _best.Epoch >= 0)
            {
                _best.Restore();
            }

            return new TrainingResult(_history, reason, _best.Epoch, _best.Value, _trainer.Optimizer.StepCount);
        }

        private TrainingProgress Report(int epoch, int batch, bool isEpochEnd, MetricValues train, MetricValues validation) => new()
        {
            IsEpochEnd = isEpochEnd,
            Epoch = epoch,
            Epochs = _trainer.Options.Epochs,
            Batch = batch,
            BatchesPerEpoch = _batches,
            Step = _trainer.Optimizer.StepCount,
            BatchLoss = _last.Loss,
            GradientNorm = _last.GradientNorm,
            LearningRate = _trainer.Optimizer.LearningRate,
            Train = train,
            Validation = validation,
        };
    }
}
