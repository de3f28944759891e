using System.Globalization;
using FastLstm.Training;

namespace FastLstm.Cli.Tasks;

/// <summary>The network and training options common to every task (the train command's shared flags).</summary>
internal sealed record ModelSettings
{
    public CellKind Cell { get; init; } = CellKind.Lstm;

    public int Layers { get; init; } = 1;

    public int Hidden { get; init; } = 32;

    public bool Bidirectional { get; init; }

    public float Dropout { get; init; }

    public string Optimizer { get; init; } = "adam";

    public float LearningRate { get; init; } = 0.005f;

    public int Epochs { get; init; } = 200;

    public int BatchSize { get; init; } = 16;

    public float Clip { get; init; } = 1f;

    public int Patience { get; init; } = 30;

    public int Seed { get; init; } = 1;

    /// <summary>The cell names accepted by --cell.</summary>
    public static readonly string[] CellNames = ["rnn", "rnn-relu", "lstm", "gru"];

    /// <summary>The optimizer names accepted by --optimizer.</summary>
    public static readonly string[] OptimizerNames = ["adam", "adamw", "sgd", "rmsprop"];

    public static CellKind ParseCell(string name) => name switch
    {
        "rnn" or "rnn-tanh" => CellKind.RnnTanh,
        "rnn-relu" => CellKind.RnnRelu,
        "lstm" => CellKind.Lstm,
        "gru" => CellKind.Gru,
        _ => throw CliException.Usage($"--cell must be one of {string.Join(", ", CellNames)}; got '{name}'."),
    };

    public static string CellName(CellKind cell) => cell switch
    {
        CellKind.RnnTanh => "rnn",
        CellKind.RnnRelu => "rnn-relu",
        CellKind.Lstm => "lstm",
        _ => "gru",
    };

    /// <summary>"LSTM", "GRU", "RNN": how tables name the model.</summary>
    public static string DisplayName(CellKind cell) => cell switch
    {
        CellKind.RnnTanh => "RNN",
        CellKind.RnnRelu => "RNN (relu)",
        CellKind.Lstm => "LSTM",
        _ => "GRU",
    };

    /// <summary>"2-layer bidirectional LSTM, 32 hidden".</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{(Layers > 1 ? $"{Layers}-layer " : "")}{(Bidirectional ? "bidirectional " : "")}{DisplayName(Cell)}, {Hidden} hidden");

    public RecurrentOptions Recurrent(int inputSize) => new()
    {
        Cell = Cell,
        InputSize = inputSize,
        HiddenSize = Hidden,
        NumLayers = Layers,
        Bidirectional = Bidirectional,
        Dropout = Layers > 1 ? Dropout : 0f,
    };

    public Optimizer CreateOptimizer(RecurrentModel model) => Optimizer switch
    {
        "adam" => new Adam(model.Parameters, LearningRate),
        "adamw" => new AdamW(model.Parameters, LearningRate),
        "sgd" => new Sgd(model.Parameters, LearningRate, momentum: 0.9f),
        "rmsprop" => new RmsProp(model.Parameters, LearningRate),
        _ => throw CliException.Usage($"--optimizer must be one of {string.Join(", ", OptimizerNames)}; got '{Optimizer}'."),
    };

    public TrainerOptions Trainer(Metric monitor, bool hasValidation) => new()
    {
        Epochs = Epochs,
        BatchSize = BatchSize,
        Seed = Seed,
        Monitor = monitor,
        Patience = hasValidation ? Patience : 0,
        ClipNorm = Clip,
        ProgressInterval = 1,
    };

    /// <summary>The settings as model-file metadata.</summary>
    public void AddTo(IDictionary<string, string> metadata)
    {
        metadata["cell"] = CellName(Cell);
        metadata["layers"] = Layers.ToString(CultureInfo.InvariantCulture);
        metadata["hidden"] = Hidden.ToString(CultureInfo.InvariantCulture);
        metadata["bidirectional"] = Bidirectional ? "true" : "false";
        metadata["optimizer"] = Optimizer;
        metadata["learning_rate"] = LearningRate.ToString("R", CultureInfo.InvariantCulture);
        metadata["epochs"] = Epochs.ToString(CultureInfo.InvariantCulture);
        metadata["batch_size"] = BatchSize.ToString(CultureInfo.InvariantCulture);
        metadata["clip"] = Clip.ToString("R", CultureInfo.InvariantCulture);
        metadata["seed"] = Seed.ToString(CultureInfo.InvariantCulture);
    }
}
