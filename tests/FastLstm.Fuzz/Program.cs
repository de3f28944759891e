using FastLstm;
using FastLstm.Fuzz;
using FastLstm.Serialization;
using SharpFuzz;

// FastLstm.Fuzz TARGET        run one fuzz target under AFL++ (input on stdin / the AFL shared-memory protocol)
// FastLstm.Fuzz corpus DIR    write the seed inputs
// FastLstm.Fuzz replay FILE…  run the targets on files once, outside AFL (to reproduce a finding)
//
// Targets:
//   model          ModelFile.Read on the raw input: mostly exercises the header and the CRC-32 checks.
//   model-fixcrc   the same after recomputing every CRC and the header's length, so mutations reach the parser.
//   safetensors    SafeTensorsFile.Parse on the raw input, then every tensor's values read.
//   selftest       throws on inputs starting "CRASH": shows that AFL++ and SharpFuzz report a finding.
// Anything but ModelFormatException escaping a loader is a finding: SharpFuzz reports it to AFL++ as a crash.
if (args.Length >= 1 && args[0] == "corpus")
{
    Seeds.Write(args.Length > 1 ? args[1] : "corpus");
    return 0;
}

if (args.Length >= 2 && args[0] == "replay")
{
    foreach (string file in args.Skip(1))
    {
        byte[] bytes = File.ReadAllBytes(file);
        foreach (string target in Targets.Names)
        {
            try
            {
                Targets.Run(target, bytes);
                Console.WriteLine($"{file} {target}: ok");
            }
            catch (ModelFormatException e)
            {
                Console.WriteLine($"{file} {target}: ModelFormatException: {e.Message}");
            }
            catch (Exception e)
            {
                Console.WriteLine($"{file} {target}: FINDING: {e}");
            }
        }
    }

    return 0;
}

if (args.Length != 1 || !Targets.Names.Contains(args[0]))
{
    Console.Error.WriteLine($"usage: FastLstm.Fuzz ({string.Join(" | ", Targets.Names)}) | corpus DIR | replay FILE...");
    return 1;
}

string name = args[0];
Fuzzer.Run(stream =>
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    try
    {
        Targets.Run(name, copy.ToArray());
    }
    catch (ModelFormatException)
    {
        // The documented outcome for a bad file.
    }
});
return 0;
