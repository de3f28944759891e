using FastLstm.Serialization;

namespace FastLstm.Infer;

/// <summary>
/// fastlstm-infer MODEL (--stream | --sequence): runs a FastLstm model file on CSV rows read from stdin and writes
/// the model's outputs to stdout as CSV. Numbers use the invariant culture ('.' decimal point) both ways.
/// </summary>
internal static class Program
{
    internal const string Usage = """
        Usage: fastlstm-infer MODEL (--stream | --sequence)

        Runs the model file MODEL on CSV rows from stdin; writes CSV rows to stdout.
        Each input row is one time step: the model's I input features (an embedding model: one token id).

          --stream    one output row (K values, the head on this step's state) per input row, the state carried
                      from row to row; a blank line starts a new stream from a zero state. Unidirectional models.
          --sequence  rows up to a blank line (or the end) are one sequence, run whole. A last-step model writes one
                      row per sequence; an every-step model one row per step, then a blank line.

        Lines starting with '#' are skipped, and so is a first line that is not numbers (a header).
        Numbers are as the model was trained on them: no scaling is applied.
        Exit codes: 0 done, 1 usage, 2 bad input row, 3 bad model file.
        """;

    private static int Main(string[] args)
    {
        if (args.Length == 1 && args[0] is "-h" or "--help")
        {
            Console.Out.WriteLine(Usage);
            return 0;
        }

        if (args.Length != 2 || args[1] is not ("--stream" or "--sequence"))
        {
            Console.Error.WriteLine(Usage);
            return 1;
        }

        ModelFile file;
        try
        {
            file = ModelFile.Load(args[0]);
        }
        catch (Exception e) when (e is ModelFormatException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"fastlstm-infer: cannot load the model: {e.Message}");
            return 3;
        }

        using Stream input = Console.OpenStandardInput();
        using Stream output = Console.OpenStandardOutput();
        var runner = new InferenceRunner(file.Model, input, output);
        try
        {
            if (args[1] == "--stream")
            {
                if (file.Model.Recurrent.Options.Bidirectional)
                {
                    Console.Error.WriteLine("fastlstm-infer: --stream needs a unidirectional model (a reverse direction needs the whole sequence); use --sequence.");
                    return 1;
                }

                runner.RunStream();
            }
            else
            {
                runner.RunSequences();
            }
        }
        catch (InputRowException e)
        {
            runner.Flush();
            Console.Error.WriteLine($"fastlstm-infer: stdin, line {e.Line}: {e.Message}");
            return 2;
        }

        runner.Flush();
        return 0;
    }
}
