using FastLstm.Cli;

// The first Ctrl-C asks the running command to stop cleanly (a training run finishes its batch, keeps the best
// weights and saves them); a second one ends the process at once.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (!cancellation.IsCancellationRequested)
    {
        e.Cancel = true;
        Console.Error.WriteLine("fastlstm: stopping after the current batch (Ctrl-C again to quit at once)...");
        cancellation.Cancel();
    }
};

return await CliApp.RunAsync(args, Console.Out, Console.Error, cancellation.Token).ConfigureAwait(false);
