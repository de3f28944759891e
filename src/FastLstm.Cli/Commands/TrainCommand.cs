using System.CommandLine;
using System.Globalization;
using FastLstm.Cli.Reporting;
using FastLstm.Cli.Tasks;
using FastLstm.Cli.Tasks.Classification;
using FastLstm.Cli.Tasks.Forecasting;
using FastLstm.Cli.Tasks.LanguageModel;
using FastLstm.Data;
using static FastLstm.Cli.Commands.CommonOptions;

namespace FastLstm.Cli.Commands;

/// <summary>'fastlstm train': trains a forecaster (default), a character language model or a sequence classifier.</summary>
internal sealed class TrainCommand
{
    private readonly Option<string> _task = Defaulted("--task", "forecast (a CSV time series), language-model (a text file, character by character) or classify (labelled sequences)", "forecast");
    private readonly Option<string?> _data = Make<string?>("--data", "The data file (default: the shipped air_passengers.csv, pride_and_prejudice.txt or splice_junction_dna.csv for the task)", "-d");

    // Forecasting.
    private readonly Option<string?> _columns = Make<string?>("--columns", "forecast: value columns the network reads, comma-separated (default: every column but the time column)");
    private readonly Option<string?> _target = Make<string?>("--target", "forecast: columns to forecast, comma-separated (default: all value columns)");
    private readonly Option<string?> _timeColumn = Make<string?>("--time-column", "forecast: the time column, or 'none' (default: the first column); classify --format long: a time column to check and leave out of the features");
    private readonly Option<int?> _lookback = Make<int?>("--lookback", "forecast: rows the network reads per forecast (default 24)");
    private readonly Option<int?> _horizon = Make<int?>("--horizon", "forecast: rows forecast at once (default 1)");
    private readonly Option<int?> _season = Make<int?>("--season", "forecast: season length for the seasonal naive baseline and transform (default: from the time labels, 12 for months)");
    private readonly Option<string?> _transform = Make<string?>("--transform", "forecast: auto, none, log, diff, log-diff, seasonal-diff or log-seasonal-diff (default auto: log if positive, seasonal difference)");
    private readonly Option<string?> _missing = Make<string?>("--missing", "forecast: empty cells are an error (default), or fill them: ffill, interpolate");

    // Language model.
    private readonly Option<int?> _sequenceLength = Make<int?>("--seq-len", "language-model: characters per truncated-BPTT chunk (default 64)");
    private readonly Option<int?> _embedding = Make<int?>("--embedding", "language-model, classify (text): embedding size (default 32)");
    private readonly Option<int?> _maxChars = Make<int?>("--max-chars", "language-model: read only the first N characters of the text");

    // Classification.
    private readonly Option<string?> _format = Make<string?>("--format", "classify: text (a text and a label column, default) or long (long-format multivariate sequences)");
    private readonly Option<string?> _textColumn = Make<string?>("--text-column", "classify: the text column (default 'text'; 'sequence' for the shipped DNA data)");
    private readonly Option<string?> _labelColumn = Make<string?>("--label-column", "classify: the label column (default 'label'; 'class' for the shipped DNA data)");
    private readonly Option<string?> _caseColumn = Make<string?>("--case-column", "classify --format long: the case id column (default 'case_id')");
    private readonly Option<string?> _splitColumn = Make<string?>("--split-column", "classify --format long: a column of train/validation/test per case (default: a seeded random split)");
    private readonly Option<int?> _maxLength = Make<int?>("--max-length", "classify (text): characters read per text (default 200)");

    // Model and training.
    private readonly Option<string?> _split = Make<string?>("--split", "train,validation,test fractions (default 0.7,0.15,0.15; language-model 0.9,0.05,0.05)");
    private readonly Option<string> _cell = Defaulted("--cell", "rnn, rnn-relu, lstm or gru", "lstm");
    private readonly Option<int?> _layers = Make<int?>("--layers", "stacked recurrent layers (default 1)");
    private readonly Option<int?> _hidden = Make<int?>("--hidden", "hidden units per layer (default: forecast 32, language-model 128, classify 64)");
    private readonly Option<bool> _bidirectional = Make<bool>("--bidirectional", "add a reverse direction (not for language-model)");
    private readonly Option<float?> _dropout = Make<float?>("--dropout", "dropout between stacked layers (default 0)");
    private readonly Option<string> _optimizer = Defaulted("--optimizer", "adam, adamw, sgd or rmsprop", "adam");
    private readonly Option<float?> _learningRate = Make<float?>("--lr", "learning rate (default: forecast 0.005, language-model 0.003, classify 0.003)");
    private readonly Option<int?> _epochs = Make<int?>("--epochs", "most epochs to run (default: forecast 200, language-model 3, classify 30)");
    private readonly Option<int?> _batchSize = Make<int?>("--batch-size", "sequences per batch (parallel streams for language-model; default 16, 32, 32)");
    private readonly Option<float?> _clip = Make<float?>("--clip", "clip gradients to this global norm (default 1)");
    private readonly Option<int?> _patience = Make<int?>("--patience", "stop after this many epochs without validation improvement (default: forecast 30, others 5; 0 never)");
    private readonly Option<int> _seed = Defaulted("--seed", "seed of initialization, shuffling and splits", 1);
    private readonly Option<string?> _output = Make<string?>("--output", "folder for everything the run writes (default runs/<timestamp>/)", "-o");
    private readonly Option<string?> _report = Make<string?>("--report", "also write report.json to this path");

    private static readonly Dictionary<string, string[]> TaskNames = new(StringComparer.Ordinal)
    {
        ["forecast"] = ["forecast"],
        ["language-model"] = ["language-model"],
        ["classify"] = ["classify"],
    };

    public Command Build(CliContext context)
    {
        var command = new Command("train", "Train a model: a forecaster on a CSV time series (default: LSTM on air passengers), a character language model, or a sequence classifier.");
        _task.AcceptOnlyFromAmong([.. TaskNames.Keys]);
        _cell.AcceptOnlyFromAmong(ModelSettings.CellNames);
        _optimizer.AcceptOnlyFromAmong(ModelSettings.OptimizerNames);
        foreach (Option option in new Option[]
        {
            _task, _data, _columns, _target, _timeColumn, _lookback, _horizon, _season, _transform, _missing,
            _sequenceLength, _embedding, _maxChars, _format, _textColumn, _labelColumn, _caseColumn, _splitColumn, _maxLength,
            _split, _cell, _layers, _hidden, _bidirectional, _dropout, _optimizer, _learningRate, _epochs, _batchSize, _clip,
            _patience, _seed, _output, _report,
        })
        {
            command.Add(option);
        }

        command.SetAction((result, cancellationToken) => Task.FromResult(Run(context, result, cancellationToken)));
        return command;
    }

    private int Run(CliContext context, ParseResult result, CancellationToken cancellationToken)
    {
        string task = result.GetValue(_task)!;
        CheckTaskOptions(result, task);
        string output = RunFolder.Resolve(result.GetValue(_output), context);
        string? report = result.GetValue(_report);
        switch (task)
        {
            case "forecast":
                return ForecastTraining.Run(context, ForecastSpecFrom(result), Settings(result, hidden: 32, lr: 0.005f, epochs: 200, batch: 16, patience: 30), output, report, cancellationToken);
            case "language-model":
                return LanguageModelTraining.Run(context, LanguageModelSpecFrom(result), Settings(result, hidden: 128, lr: 0.003f, epochs: 3, batch: 32, patience: 5), output, report, cancellationToken);
            default:
                return ClassificationTraining.Run(context, ClassificationSpecFrom(result), Settings(result, hidden: 64, lr: 0.003f, epochs: 30, batch: 32, patience: 5), output, report, cancellationToken);
        }
    }

    /// <summary>Refuses options of another task, so a typo'd run does not silently ignore them.</summary>
    private void CheckTaskOptions(ParseResult result, string task)
    {
        (Option Option, string[] Tasks)[] owners =
        [
            (_columns, ["forecast"]), (_target, ["forecast"]), (_timeColumn, ["forecast", "classify"]), (_lookback, ["forecast"]),
            (_horizon, ["forecast"]), (_season, ["forecast"]), (_transform, ["forecast"]), (_missing, ["forecast"]),
            (_sequenceLength, ["language-model"]), (_maxChars, ["language-model"]), (_embedding, ["language-model", "classify"]),
            (_format, ["classify"]), (_textColumn, ["classify"]), (_labelColumn, ["classify"]), (_caseColumn, ["classify"]),
            (_splitColumn, ["classify"]), (_maxLength, ["classify"]),
        ];
        foreach ((Option option, string[] tasks) in owners)
        {
            if (Given(result, option) && !tasks.Contains(task))
            {
                throw CliException.Usage($"{option.Name} applies to --task {string.Join(" or ", tasks)}, not {task}.");
            }
        }

        if (task == "language-model" && result.GetValue(_bidirectional))
        {
            throw CliException.Usage("--bidirectional does not apply to --task language-model: a language model reads left to right.");
        }
    }

    private ModelSettings Settings(ParseResult result, int hidden, float lr, int epochs, int batch, int patience)
    {
        float dropout = result.GetValue(_dropout) ?? 0f;
        if (!(dropout >= 0f && dropout < 1f))
        {
            throw CliException.Usage($"--dropout must be in [0, 1); got {dropout.ToString(CultureInfo.InvariantCulture)}.");
        }

        return new ModelSettings
        {
            Cell = ModelSettings.ParseCell(result.GetValue(_cell)!),
            Layers = Positive(result.GetValue(_layers), 1, "--layers"),
            Hidden = Positive(result.GetValue(_hidden), hidden, "--hidden"),
            Bidirectional = result.GetValue(_bidirectional),
            Dropout = dropout,
            Optimizer = result.GetValue(_optimizer)!,
            LearningRate = PositiveFinite(result.GetValue(_learningRate), lr, "--lr"),
            Epochs = Positive(result.GetValue(_epochs), epochs, "--epochs"),
            BatchSize = Positive(result.GetValue(_batchSize), batch, "--batch-size"),
            Clip = ClipValue(result.GetValue(_clip)),
            Patience = NonNegative(result.GetValue(_patience), patience, "--patience"),
            Seed = result.GetValue(_seed),
        };
    }

    private static float ClipValue(float? clip)
    {
        float value = clip ?? 1f;
        return value >= 0 && float.IsFinite(value) ? value : throw CliException.Usage($"--clip must be 0 (off) or a positive number; got {value.ToString(CultureInfo.InvariantCulture)}.");
    }

    private SplitFractions SplitFrom(ParseResult result, SplitFractions fallback)
    {
        string? text = result.GetValue(_split);
        if (text is null)
        {
            return fallback;
        }

        string[] parts = List(text);
        var values = new double[parts.Length];
        if (parts.Length != 3 || !parts.Select((p, i) => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i])).All(ok => ok))
        {
            throw CliException.Usage($"--split must be three fractions train,validation,test such as 0.7,0.15,0.15; got '{text}'.");
        }

        try
        {
            return new SplitFractions(values[0], values[1], values[2]);
        }
        catch (ArgumentException e)
        {
            throw CliException.Usage($"--split {text}: {e.Message.Split('\n')[0].Split(" (Parameter")[0]}");
        }
    }

    private ForecastSpec ForecastSpecFrom(ParseResult result)
    {
        string path = result.GetValue(_data) ?? ShippedData.AirPassengers;
        string[] header = CsvHeader.Read(path);
        string? timeColumn = result.GetValue(_timeColumn) switch
        {
            null => header.Length > 1 ? header[0] : null,
            "none" => null,
            string name => header.Contains(name) ? name : throw CliException.Usage($"--time-column '{name}' is not a column of {path}; its columns are {string.Join(", ", header)}."),
        };
        string[] columns = result.GetValue(_columns) is { } list ? List(list) : [.. header.Where(h => h != timeColumn)];
        foreach (string column in columns)
        {
            if (!header.Contains(column))
            {
                throw CliException.Usage($"--columns names '{column}', which is not a column of {path}; its columns are {string.Join(", ", header)}.");
            }
        }

        if (columns.Length == 0)
        {
            throw CliException.Usage($"{path} has no value column besides the time column '{timeColumn}'.");
        }

        string[] targets = result.GetValue(_target) is { } t ? List(t) : columns;
        foreach (string target in targets)
        {
            if (!columns.Contains(target))
            {
                throw CliException.Usage($"--target '{target}' must be one of the value columns ({string.Join(", ", columns)}).");
            }
        }

        string transform = result.GetValue(_transform) ?? "auto";
        if (!SeriesTransform.Codes.Contains(transform))
        {
            throw CliException.Usage($"--transform must be one of {string.Join(", ", SeriesTransform.Codes)}; got '{transform}'.");
        }

        return new ForecastSpec
        {
            DataPath = path,
            TimeColumn = timeColumn,
            Columns = columns,
            Targets = targets,
            Lookback = Positive(result.GetValue(_lookback), 24, "--lookback"),
            Horizon = Positive(result.GetValue(_horizon), 1, "--horizon"),
            Season = result.GetValue(_season) is int season ? Positive(season, 1, "--season") : 0,
            Transform = transform,
            Split = SplitFrom(result, SplitFractions.Default),
            Missing = result.GetValue(_missing) switch
            {
                null or "error" => MissingValuePolicy.Error,
                "ffill" => MissingValuePolicy.ForwardFill,
                "interpolate" => MissingValuePolicy.LinearInterpolation,
                string other => throw CliException.Usage($"--missing must be error, ffill or interpolate; got '{other}'."),
            },
        };
    }

    private LanguageModelSpec LanguageModelSpecFrom(ParseResult result) => new()
    {
        DataPath = result.GetValue(_data) ?? ShippedData.PrideAndPrejudice,
        SequenceLength = Positive(result.GetValue(_sequenceLength), 64, "--seq-len"),
        Embedding = Positive(result.GetValue(_embedding), 32, "--embedding"),
        MaxChars = result.GetValue(_maxChars) is int max ? Positive(max, 1, "--max-chars") : null,
        Split = SplitFrom(result, new SplitFractions(0.9, 0.05, 0.05)),
    };

    private ClassificationSpec ClassificationSpecFrom(ParseResult result)
    {
        string? data = result.GetValue(_data);
        bool shipped = data is null;
        string format = result.GetValue(_format) ?? "text";
        if (format is not ("text" or "long"))
        {
            throw CliException.Usage($"--format must be text or long; got '{format}'.");
        }

        return new ClassificationSpec
        {
            DataPath = data ?? ShippedData.SpliceJunctions,
            Format = format,
            TextColumn = result.GetValue(_textColumn) ?? (shipped ? "sequence" : "text"),
            LabelColumn = result.GetValue(_labelColumn) ?? (shipped ? "class" : "label"),
            CaseColumn = result.GetValue(_caseColumn) ?? "case_id",
            SplitColumn = result.GetValue(_splitColumn),
            TimeColumn = result.GetValue(_timeColumn) is { } time && time != "none" ? time : null,
            MaxLength = Positive(result.GetValue(_maxLength), 200, "--max-length"),
            Embedding = Positive(result.GetValue(_embedding), 32, "--embedding"),
            Split = SplitFrom(result, SplitFractions.Default),
        };
    }
}
