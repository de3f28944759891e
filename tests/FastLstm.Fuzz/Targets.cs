using System.Buffers.Binary;
using FastLstm.Serialization;
using Hashing = System.IO.Hashing;

namespace FastLstm.Fuzz;

/// <summary>The fuzz targets: each takes the input bytes and may throw only <see cref="ModelFormatException"/>.</summary>
internal static class Targets
{
    public static readonly string[] Names = ["model", "model-fixcrc", "safetensors", "selftest"];

    public static void Run(string target, byte[] input)
    {
        switch (target)
        {
            case "model":
                Touch(ModelFile.Read(input));
                break;
            case "model-fixcrc":
                FixChecksums(input);
                Touch(ModelFile.Read(input));
                break;
            case "safetensors":
                SafeTensorsFile file = SafeTensorsFile.Parse(input);
                foreach (SafeTensor tensor in file.Tensors)
                {
                    if (tensor.IsFloatingPoint)
                    {
                        _ = tensor.ToSingles();
                    }
                }

                break;
            case "selftest":
                // Proves the pipeline reports findings: an input starting "CRASH" throws (seed it with "CRASX"). The
                // loader runs first so the instrumented FastLstm.dll reports coverage, as AFL++ requires.
                try
                {
                    ModelFile.Read(input);
                }
                catch (ModelFormatException)
                {
                }

                if (input.AsSpan().StartsWith("CRASH"u8))
                {
                    throw new InvalidOperationException("selftest crash");
                }

                break;
            default:
                throw new ArgumentException($"Unknown target '{target}'.", nameof(target));
        }
    }

    /// <summary>Uses what was loaded, so a model that loads but cannot run is found too.</summary>
    private static void Touch(ModelFile file)
    {
        var model = file.Model;
        if (model.ParameterCount > 1_000_000)
        {
            return;   // loading was the point; running a huge model would only slow the fuzzer down
        }

        var input = new float[3 * model.InputSize];
        if (model.Embedding is not null)
        {
            Array.Clear(input);
        }

        var workspace = model.CreateWorkspace();
        model.Forward(workspace, input, 3, 1);
    }

    /// <summary>
    /// Makes the header's length and every CRC-32 right for the bytes as they are (walking the sections as far as
    /// their lengths allow), so AFL++'s mutations meet the parser's own checks instead of a checksum.
    /// </summary>
    private static void FixChecksums(byte[] file)
    {
        if (file.Length < 28)
        {
            return;
        }

        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(16), (ulong)file.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(24), Hashing.Crc32.HashToUInt32(file.AsSpan(0, 24)));
        long offset = 28;
        while (file.Length - offset >= 16)
        {
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan((int)offset + 4));
            if (length > (ulong)(file.Length - offset - 16))
            {
                return;
            }

            int covered = 12 + (int)length;
            uint crc = Hashing.Crc32.HashToUInt32(file.AsSpan((int)offset, covered));
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan((int)offset + covered), crc);
            offset += covered + 4;
        }
    }
}
