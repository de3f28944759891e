namespace FastLstm.Experiments;

/// <summary>The command-line help.</summary>
public static class Usage
{
    /// <summary>The help text.</summary>
    public const string Text = """
        usage: dotnet run -c Release --project src/FastLstm.Experiments -- <experiment> [--flag value ...]

        experiments:
          adding     RNN/LSTM/GRU on the adding problem, test MSE per model and T  -> adding.csv, adding_curves.csv
                     --lengths 50,100,200,400 --hidden 64 --steps 6000 --batch 50 --train 10000 --test 1000
                     --lr 0.001 --clip 1 --seed 1 --threads 2 --models RNN,LSTM,GRU
                     --forget-bias <b> (LSTM forget-gate bias init; default: PyTorch init)
          memory     RNN/LSTM/GRU on the temporal-order task (1997), accuracy and cross-entropy vs chance -> memory.csv
                     --lengths 50,100,200 --hidden 32 --steps 6000 --batch 32 --train 6400 --test 1000
                     --lr 0.001 --clip 1 --seed 1 --threads 2 --models RNN,LSTM,GRU --forget-bias <b>
          gradients  |dL/dh_t| per step for untrained/trained RNN and LSTM; exploding RNN with/without clipping
                     -> gradient_norms.csv, gradient_summary.csv, exploding_steps.csv, exploding_training.csv,
                        exploding_summary.csv
                     --length 200 --hidden 64 --train-steps 5000 --batch 50 --radius 1.5 --explode-length 50
                     --explode-steps 400 --sgd-lr 0.01 --clip 1 --seed 1 --part both|vanishing|exploding
                     --exploding-cells tanh,relu
          all        the three above at their defaults (about 45 min on 2 cores); takes --seed and --out only
        common:  --out runs/experiments   directory of the CSV files
        """;
}
