using System.Diagnostics;
using System.Text;
using FastLstm.Training;
using Google.Protobuf;
using Xunit;
using Xunit.Abstractions;

namespace FastLstm.Onnx.Tests;

/// <summary>
/// The importer treats a file as hostile: every truncation and thousands of random byte edits of valid models end in
/// a load (and run) that succeeds or throws ModelFormatException — never another exception, a hang or a huge allocation.
/// </summary>
public sealed class HostileFileTests(ITestOutputHelper output)
{
    private const int RandomMutations = 3000;
    private const int MutationSeed = 60_601;

    public static TheoryData<string> Models => new() { "exported", "pytorch-style" };

    [Theory]
    [MemberData(nameof(Models))]
    public void Mutations_TruncationsAndByteEdits_OnlyEverThrowModelFormatException(string which)
    {
        (byte[] valid, Dictionary<string, OnnxTensor> inputs) = ValidModel(which);
        Assert.Equal(Outcome.Ran, Attempt(valid, inputs, "the valid model"));
        var watch = Stopwatch.StartNew();
        var counts = new Dictionary<Outcome, int>();

        // Every truncation of a small file; about 4000 evenly spread ones of a larger file (the cut lands in every field kind either way).
        int stride = Math.Max(1, valid.Length / 4000);
        int truncations = 0;
        for (int length = 0; length < valid.Length; length += stride, truncations++)
        {
            Count(counts, Attempt(valid.AsSpan(0, length).ToArray(), inputs, $"{which} truncated to {length} bytes"));
        }

        var random = new Random(MutationSeed);
        for (int n = 0; n < RandomMutations; n++)
        {
            byte[] mutated = (byte[])valid.Clone();
            var what = new StringBuilder($"{which} mutation {n} (seed {MutationSeed}):");
            int edits = 1 + random.Next(3);
            for (int e = 0; e < edits; e++)
            {
                int position = random.Next(mutated.Length);
                byte value = random.Next(3) switch
                {
                    0 => (byte)(mutated[position] ^ (1 << random.Next(8))),
                    1 => (byte)random.Next(256),
                    _ => (byte)(mutated[position] + 1),
                };
                what.Append($" [{position}] {mutated[position]}→{value}");
                mutated[position] = value;
            }

            Count(counts, Attempt(mutated, inputs, what.ToString()));
        }

        output.WriteLine($"{which}: {truncations} truncations + {RandomMutations} edits in {watch.ElapsedMilliseconds} ms: " +
            string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}")));
        Assert.True(counts.GetValueOrDefault(Outcome.Rejected) > truncations, "Most mutations must be caught.");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"The mutation test must stay fast; it took {watch.Elapsed}.");
    }

    [Fact]
    public void Load_ConstantOfShapeBeyondTheLimit_IsRejectedBeforeAllocating()
    {
        var g = new GraphBuilder();
        g.Node("ConstantOfShape", [g.Initializer("shape", new long[] { 100_000, 100_000 }, 2)], ["y"]);
        g.Output("y", Protos.TensorProto.Types.DataType.Float);

        var error = Assert.Throws<ModelFormatException>(() => OnnxModel.Load(GraphBuilder.Model(g.Graph, 17, "test", "1").ToByteArray()));

        Assert.Contains("limit", error.Message);
    }

    [Fact]
    public void Run_ProductOfComputedMatricesBeyondTheWorkLimit_IsRejected()
    {
        // Two 8192 × 8192 matrices made at run time: 2³⁹ multiply-adds, hours of work, refused up front.
        var g = new GraphBuilder();
        g.Input("n", Protos.TensorProto.Types.DataType.Int64, 2);
        string a = g.Apply("ConstantOfShape", ["n"]);
        g.Node("MatMul", [a, a], ["y"]);
        g.Output("y", Protos.TensorProto.Types.DataType.Float);
        OnnxModel model = OnnxModel.Load(GraphBuilder.Model(g.Graph, 17, "test", "1").ToByteArray());

        var error = Assert.Throws<ModelFormatException>(() => model.Run(new Dictionary<string, OnnxTensor> { ["n"] = OnnxTensor.FromInt64([8192, 8192], 2) }));

        Assert.Contains("multiply-adds", error.Message);
    }

    private enum Outcome
    {
        Rejected,
        Ran,
        InputsChanged,
    }

    private static Outcome Attempt(byte[] bytes, Dictionary<string, OnnxTensor> inputs, string what)
    {
        OnnxModel model;
        try
        {
            model = OnnxModel.Load(bytes);
        }
        catch (ModelFormatException e)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Message), what);
            return Outcome.Rejected;
        }
        catch (Exception e)
        {
            Assert.Fail($"{what}: Load threw {e.GetType().Name} instead of ModelFormatException: {e.Message}\n{e.StackTrace}");
            throw;
        }

        try
        {
            model.Run(inputs);
            return Outcome.Ran;
        }
        catch (ModelFormatException)
        {
            return Outcome.Rejected;
        }
        catch (ArgumentException e) when (e.ParamName == "inputs")
        {
            // The mutation renamed or reshaped a declared input: the caller's inputs no longer fit, and Run says so.
            return Outcome.InputsChanged;
        }
        catch (Exception e)
        {
            Assert.Fail($"{what}: Run threw {e.GetType().Name} instead of ModelFormatException: {e.Message}\n{e.StackTrace}");
            throw;
        }
    }

    private static void Count(Dictionary<Outcome, int> counts, Outcome outcome) => counts[outcome] = counts.GetValueOrDefault(outcome) + 1;

    /// <summary>A small valid model of each kind with inputs that run it.</summary>
    private static (byte[] Model, Dictionary<string, OnnxTensor> Inputs) ValidModel(string which)
    {
        var options = new RecurrentOptions { Cell = CellKind.Lstm, InputSize = 2, HiddenSize = 3, NumLayers = 2, Bidirectional = true };
        RecurrentLayer layer = Data.Layer(options);
        var head = new Dense(6, 2, seed: 1);
        var inputs = new Dictionary<string, OnnxTensor>
        {
            ["input"] = OnnxTensor.FromSingles(Data.Uniform(4 * 2 * 2, 3), 4, 2, 2),
        };
        if (which == "exported")
        {
            inputs["sequence_lens"] = OnnxTensor.FromInt32([4, 3], 2);
            byte[] exported = OnnxExporter.Export(layer, head, HeadMode.LastStep, options: new OnnxExportOptions { SequenceLengths = true });
            return (exported, inputs);
        }

        byte[] pytorch = new PyTorchStyleExport { Layer = layer, Head = PyTorchHead.LastOutput, HeadLayer = head, FoldConstants = false }.Build();
        return (pytorch, inputs);
    }
}
