// An MSBuild task (compiled by RoslynCodeTaskFactory from LibTorchSharpPatch.targets, so it targets netstandard2.0:
// no spans, no BinaryPrimitives) that marks ONE symbol-version requirement of an ELF64 shared library weak.
//
// Why: TorchSharp-cpu 0.107.0's glue library libLibTorchSharp.so records a need for GLIBCXX_3.4.32 (GCC 13's
// libstdc++) because of a single symbol, std::ios_base_library_init() (_ZSt21ios_base_library_initv), which GCC 13
// references from every object that includes <iostream> only to pull libstdc++'s iostream initialisation in; no
// relocation uses it and nothing calls it. Debian 12's libstdc++ stops at GLIBCXX_3.4.30, so the dynamic loader
// refuses the whole library. A version requirement flagged VER_FLG_WEAK makes the loader warn-not-fail when the
// version is missing (glibc elf/dl-version.c: match_symbol → "weak version ... not found" is not an error).
//
// What it checks before writing (it refuses, with a message, otherwise):
//   1. the file is ELF64 little-endian with .dynsym, .gnu.version and .gnu.version_r;
//   2. exactly one Vernaux entry names the version (here GLIBCXX_3.4.32) under the expected file (libstdc++.so.6);
//   3. the dynamic symbols whose .gnu.version index is that entry's vna_other are exactly the allowed ones;
//   4. no relocation (SHT_RELA/SHT_REL against .dynsym) refers to any of them, so nothing is ever bound to them.
// Then it sets vna_flags |= VER_FLG_WEAK (0x2) and writes a new file in place of the old one (a new inode: a copy
// hard-linked to the NuGet cache is never modified). Already weak: nothing to do. Idempotent.
//
// Layouts: the System V gABI (ELF64 header, section header, symbol, relocation) and the LSB's symbol versioning
// section (Elf64_Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32; Elf64_Vernaux:
// vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32; .gnu.version: one u16 per dynsym entry,
// bit 15 = hidden). Check the result with `readelf -V`: the entry reads "Flags: WEAK".
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class ElfVersionPatcher : Task
{
    private const uint ShtRela = 4;
    private const uint ShtRel = 9;
    private const uint ShtDynsym = 11;
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const uint ShtGnuVersym = 0x6fffffff;
    private const ushort VerFlagWeak = 0x2;

    /// <summary>The library to patch (the build-output copy).</summary>
    [Required]
    public string File { get; set; } = "";

    /// <summary>The version requirement to weaken, e.g. GLIBCXX_3.4.32.</summary>
    [Required]
    public string Version { get; set; } = "";

    /// <summary>The needed file that version belongs to, e.g. libstdc++.so.6.</summary>
    [Required]
    public string NeededFile { get; set; } = "";

    /// <summary>Semicolon-separated dynamic symbols allowed to carry that version; any other one refuses the patch.</summary>
    [Required]
    public string AllowedSymbols { get; set; } = "";

    public override bool Execute()
    {
        try
        {
            string message = Patch(File, Version, NeededFile, new HashSet<string>(AllowedSymbols.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries)));
            Log.LogMessage(MessageImportance.High, "ElfVersionPatcher: " + message);
            return true;
        }
        catch (InvalidDataException e)
        {
            Log.LogError("ElfVersionPatcher refused to patch " + File + ": " + e.Message);
            return false;
        }
    }

    private static string Patch(string path, string version, string neededFile, HashSet<string> allowed)
    {
        byte[] elf = System.IO.File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
        {
            throw new InvalidDataException("not an ELF file.");
        }

        if (elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException("only ELF64 little-endian is handled (EI_CLASS " + elf[4] + ", EI_DATA " + elf[5] + ").");
        }

        long shoff = (long)U64(elf, 0x28);
        int shentsize = U16(elf, 0x3A);
        int shnum = U16(elf, 0x3C);
        var sections = new List<Section>(shnum);
        for (int i = 0; i < shnum; i++)
        {
            long h = shoff + ((long)i * shentsize);
            sections.Add(new Section
            {
                Index = i,
                Type = U32(elf, h + 4),
                Offset = (long)U64(elf, h + 24),
                Size = (long)U64(elf, h + 32),
                Link = (int)U32(elf, h + 40),
                Info = (int)U32(elf, h + 44),
                EntrySize = (long)U64(elf, h + 56),
            });
        }

        Section dynsym = Single(sections, ShtDynsym, ".dynsym");
        Section versym = Single(sections, ShtGnuVersym, ".gnu.version");
        Section verneed = Single(sections, ShtGnuVerneed, ".gnu.version_r");
        Section dynstr = sections[dynsym.Link];
        Section verneedStr = sections[verneed.Link];

        // Walk Verneed → Vernaux and find the one entry for (neededFile, version).
        long flagsAt = -1;
        int versionIndex = -1;
        long need = verneed.Offset;
        for (int n = 0; n < verneed.Info; n++)
        {
            int count = U16(elf, need + 2);
            string file = Str(elf, verneedStr, U32(elf, need + 4));
            long aux = need + U32(elf, need + 8);
            for (int a = 0; a < count; a++)
            {
                string name = Str(elf, verneedStr, U32(elf, aux + 8));
                if (name == version && file == neededFile)
                {
                    if (flagsAt >= 0)
                    {
                        throw new InvalidDataException("two Vernaux entries name " + version + " of " + neededFile + ".");
                    }

                    flagsAt = aux + 4;
                    versionIndex = U16(elf, aux + 6);
                }

                aux += U32(elf, aux + 12);
            }

            need += U32(elf, need + 12);
        }

        if (flagsAt < 0)
        {
            throw new InvalidDataException("no requirement of " + version + " from " + neededFile + " (nothing to do? check `readelf -V`).");
        }

        // Every dynamic symbol bound to that version index must be an allowed one.
        int symbolCount = (int)(dynsym.Size / 24);
        var versioned = new List<int>();
        for (int s = 0; s < symbolCount; s++)
        {
            int index = U16(elf, versym.Offset + (2L * s)) & 0x7fff;
            if (index != versionIndex)
            {
                continue;
            }

            string name = Str(elf, dynstr, U32(elf, dynsym.Offset + (24L * s)));
            if (!allowed.Contains(name))
            {
                throw new InvalidDataException("symbol '" + name + "' also needs " + version + "; only " + string.Join(", ", allowed) + " may.");
            }

            versioned.Add(s);
        }

        if (versioned.Count == 0)
        {
            throw new InvalidDataException("no dynamic symbol carries version index " + versionIndex + " (" + version + ").");
        }

        // No relocation may refer to those symbols: then no code or data is ever bound to them.
        foreach (Section rel in sections)
        {
            if ((rel.Type != ShtRela && rel.Type != ShtRel) || rel.Link != dynsym.Index || rel.EntrySize == 0)
            {
                continue;
            }

            for (long r = rel.Offset; r < rel.Offset + rel.Size; r += rel.EntrySize)
            {
                int symbol = (int)(U64(elf, r + 8) >> 32);
                if (versioned.Contains(symbol))
                {
                    throw new InvalidDataException("a relocation at file offset 0x" + r.ToString("x") + " uses a symbol of " + version + "; weakening it would not help.");
                }
            }
        }

        ushort flags = (ushort)U16(elf, flagsAt);
        if ((flags & VerFlagWeak) != 0)
        {
            return path + ": " + version + " is already a weak requirement.";
        }

        flags |= VerFlagWeak;
        elf[flagsAt] = (byte)flags;
        elf[flagsAt + 1] = (byte)(flags >> 8);
        string temporary = path + ".patching";
        System.IO.File.WriteAllBytes(temporary, elf);
        System.IO.File.Delete(path);
        System.IO.File.Move(temporary, path);
        return path + ": marked " + version + " (" + neededFile + ", used only by " + string.Join(", ", allowed) + ") weak.";
    }

    private static Section Single(List<Section> sections, uint type, string name)
    {
        Section found = null;
        foreach (Section s in sections)
        {
            if (s.Type == type)
            {
                if (found != null)
                {
                    throw new InvalidDataException("more than one " + name + " section.");
                }

                found = s;
            }
        }

        if (found == null)
        {
            throw new InvalidDataException("no " + name + " section.");
        }

        return found;
    }

    private static string Str(byte[] elf, Section table, uint offset)
    {
        long start = table.Offset + offset;
        long end = start;
        while (elf[end] != 0)
        {
            end++;
        }

        return Encoding.ASCII.GetString(elf, (int)start, (int)(end - start));
    }

    private static int U16(byte[] b, long at) => BitConverter.ToUInt16(b, (int)at);

    private static uint U32(byte[] b, long at) => BitConverter.ToUInt32(b, (int)at);

    private static ulong U64(byte[] b, long at) => BitConverter.ToUInt64(b, (int)at);

    private sealed class Section
    {
        public int Index;
        public uint Type;
        public long Offset;
        public long Size;
        public int Link;
        public int Info;
        public long EntrySize;
    }
}
