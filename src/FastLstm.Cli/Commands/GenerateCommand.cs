using System.CommandLine;
using FastLstm.Cli.Storage;
using FastLstm.Cli.Tasks.LanguageModel;
using FastLstm.Data;
using static FastLstm.Cli.Commands.CommonOptions;

namespace FastLstm.Cli.Commands;

/// <summary>'fastlstm generate MODEL': text from a character language model, continuing a prompt.</summary>
internal sealed class GenerateCommand
{
    private readonly Argument<string> _model = ModelArgument.Create();
    private readonly Option<string> _prompt = Defaulted("--prompt", "Text to start from", "\n");
    private readonly Option<int> _length = Defaulted("--length", "Characters to generate", 300);
    private readonly Option<float> _temperature = Defaulted("--temperature", "Sampling temperature: below 1 safer, above 1 wilder, 0 always the likeliest character", 0.8f);
    private readonly Option<int> _seed = Defaulted("--seed", "Seed of the sampling: the same seed gives the same text", 1);
    private readonly Option<string?> _out = Make<string?>("--out", "Also write the text (prompt included) to this file");

    public Command Build(CliContext context)
    {
        var command = new Command("generate", "Generate text with a character language model, from a prompt, with a temperature and a seed.")
        {
            _model, _prompt, _length, _temperature, _seed, _out,
        };
        command.SetAction(result => Run(context, result));
        return command;
    }

    private int Run(CliContext context, ParseResult result)
    {
        SavedModel saved = ModelArgument.Load(result.GetValue(_model)!, out _);
        ModelArgument.Task(saved, "generate", LanguageModelTraining.Task);
        var vocabulary = CharVocabulary.FromCharacters(saved.Vocabulary ?? throw new InvalidDataException("the language model's file has no vocabulary."));
        int length = Positive(result.GetValue(_length), 300, "--length");
        float temperature = result.GetValue(_temperature);
        if (!(temperature >= 0f) || !float.IsFinite(temperature))
        {
            throw CliException.Usage($"--temperature must be 0 or a positive number; got {temperature}.");
        }

        string prompt = result.GetValue(_prompt)!;
        string text = prompt + LanguageModelTraining.Sample(saved.Model, vocabulary, prompt, length, temperature, result.GetValue(_seed));
        context.Line(text);
        if (result.GetValue(_out) is { } path)
        {
            File.WriteAllText(path, text);
        }

        return ExitCodes.Success;
    }
}
