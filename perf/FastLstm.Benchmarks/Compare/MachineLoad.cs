using System.Globalization;

namespace FastLstm.Benchmarks.Compare;

/// <summary>
/// How busy the machine is with other processes, from Linux's /proc: all CPUs' busy ticks (/proc/stat) minus this
/// process's own (/proc/self/stat utime + stime), over all ticks. On a shared two-core machine a build next door
/// halves a two-thread peer; this number lets a reader spot the rows it spoiled. NaN where /proc is missing.
/// </summary>
public readonly record struct MachineLoad(long TotalTicks, long BusyTicks, long OwnTicks)
{
    /// <summary>The counters now.</summary>
    public static MachineLoad Now()
    {
        try
        {
            string[] cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            long total = 0;
            for (int i = 1; i <= 8 && i < cpu.Length; i++)
            {
                total += long.Parse(cpu[i], CultureInfo.InvariantCulture);
            }

            // Fields after "cpu": user nice system idle iowait irq softirq steal.
            long idle = long.Parse(cpu[4], CultureInfo.InvariantCulture) + long.Parse(cpu[5], CultureInfo.InvariantCulture);
            string self = File.ReadAllText("/proc/self/stat");
            // The command name is in parentheses and may hold spaces: count fields after the last ')'.
            // Then state is field 3, so utime (14) and stime (15) are at 11 and 12 after it.
            string[] rest = self[(self.LastIndexOf(')') + 2)..].Split(' ');
            long own = long.Parse(rest[11], CultureInfo.InvariantCulture) + long.Parse(rest[12], CultureInfo.InvariantCulture);
            return new MachineLoad(total, total - idle, own);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or InvalidOperationException)
        {
            return new MachineLoad(0, 0, 0);
        }
    }

    /// <summary>The share of all CPUs (0 … 1) other processes kept busy between <paramref name="start"/> and this.</summary>
    public double ForeignShareSince(MachineLoad start)
    {
        long total = TotalTicks - start.TotalTicks;
        if (total <= 0)
        {
            return double.NaN;
        }

        long foreign = BusyTicks - start.BusyTicks - (OwnTicks - start.OwnTicks);
        return Math.Clamp((double)foreign / total, 0, 1);
    }
}
