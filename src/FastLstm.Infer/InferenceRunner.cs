using System.Globalization;
using FastLstm.Training;

namespace FastLstm.Infer;

/// <summary>Reads rows, runs the model, writes rows: the two modes of fastlstm-infer.</summary>
internal sealed class InferenceRunner
{
    private readonly RecurrentModel _model;
    private readonly LineReader _reader;
    private readonly CsvOutput _output;
    private readonly float[] _row;   // (I) one step's inputs

    public InferenceRunner(RecurrentModel model, Stream input, Stream output)
    {
        _model = model;
        _output = new CsvOutput(output);
        _reader = new LineReader(input, _output.Flush);
        _row = new float[model.InputSize];
    }

    /// <summary>One output row per input row, state carried; a blank line resets the state. Allocation-free per row.</summary>
    public void RunStream()
    {
        ModelState state = _model.CreateState(1);
        float[] outputs = new float[_model.OutputSize];
        while (NextRow(out bool blank))
        {
            if (blank)
            {
                state.Reset();
                continue;
            }

            Step(state, outputs);
            _output.WriteRow(outputs);
        }
    }

    /// <summary>Sequences separated by blank lines, each run whole by one forward pass.</summary>
    public void RunSequences()
    {
        ModelWorkspace workspace = _model.CreateWorkspace();
        int width = _model.InputSize;
        float[] sequence = new float[64 * width];   // (T, 1, I), grown as needed
        int steps = 0;
        long firstLine = 0;
        while (true)
        {
            bool more = NextRow(out bool blank);
            if (more && !blank)
            {
                if ((steps + 1) * width > sequence.Length)
                {
                    Array.Resize(ref sequence, sequence.Length * 2);
                }

                firstLine = steps == 0 ? _reader.LineNumber : firstLine;
                _row.CopyTo(sequence, steps * width);
                steps++;
                continue;
            }

            if (steps > 0)
            {
                Forward(workspace, sequence.AsSpan(0, steps * width), steps, firstLine);
                steps = 0;
            }

            if (!more)
            {
                return;
            }
        }
    }

    /// <summary>Writes what is buffered.</summary>
    public void Flush() => _output.Flush();

    private void Step(ModelState state, float[] outputs)
    {
        try
        {
            _model.Step(state, _row, outputs);
        }
        catch (ArgumentException e)
        {
            throw new InputRowException(_reader.LineNumber, e.Message);
        }
    }

    private void Forward(ModelWorkspace workspace, ReadOnlySpan<float> sequence, int steps, long firstLine)
    {
        try
        {
            _model.Forward(workspace, sequence, steps, 1);
        }
        catch (ArgumentException e)
        {
            throw new InputRowException(firstLine, $"in the sequence starting here: {e.Message}");
        }

        ReadOnlySpan<float> outputs = workspace.Output;
        int k = _model.OutputSize;
        for (int row = 0; row < outputs.Length / k; row++)
        {
            _output.WriteRow(outputs.Slice(row * k, k));
        }

        if (_model.HeadMode == HeadMode.EveryStep)
        {
            _output.WriteBlankLine();
        }
    }

    /// <summary>Reads the next data row into <see cref="_row"/> (or a blank line); skips comments and a header line.</summary>
    private bool NextRow(out bool blank)
    {
        while (_reader.TryReadLine(out ReadOnlySpan<byte> line))
        {
            line = line.Trim((byte)' ');
            if (line.IsEmpty)
            {
                blank = true;
                return true;
            }

            if (line[0] == (byte)'#')
            {
                continue;
            }

            if (TryParse(line, out string? problem))
            {
                blank = false;
                return true;
            }

            if (_reader.LineNumber == 1 && !StartsLikeANumber(line))
            {
                continue;   // a header
            }

            throw new InputRowException(_reader.LineNumber, problem!);
        }

        blank = false;
        return false;
    }

    private bool TryParse(ReadOnlySpan<byte> line, out string? problem)
    {
        int column = 0;
        foreach (Range field in line.Split((byte)','))
        {
            ReadOnlySpan<byte> text = line[field].Trim((byte)' ');
            if (column >= _row.Length)
            {
                problem = $"expected {_row.Length} values (the model's inputs per step); the row has more.";
                return false;
            }

            if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _row[column]))
            {
                problem = $"value {column + 1}, '{System.Text.Encoding.UTF8.GetString(text)}', is not a number.";
                return false;
            }

            column++;
        }

        if (column != _row.Length)
        {
            problem = $"expected {_row.Length} values (the model's inputs per step); the row has {column}.";
            return false;
        }

        problem = null;
        return true;
    }

    private static bool StartsLikeANumber(ReadOnlySpan<byte> line) =>
        line[0] is (byte)'-' or (byte)'+' or (byte)'.' or (>= (byte)'0' and <= (byte)'9');
}
