using FakeApiServer.Hosting;
using Microsoft.Extensions.Configuration;

// The command line: options from appsettings.json and flags, then one line with the URL, then serve until
// Ctrl-C or SIGTERM. --help or -h: the flags by section, exit code 0. Bad flags: one line on stderr as kube-apiserver's
// ("Error: unknown flag: --foo") and exit code 2; a database that cannot be opened: one line, exit code 1.
FakeApiServerOptions options;
try
{
    var configuration = new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true)
        .Build();
    if (CommandLine.ParseOrHelp(args, configuration.GetSection("FakeApiServer")) is not { } parsed)
    {
        await Console.Out.WriteAsync(FakeApiServer.Hosting.Flags.ServerFlags.Create().Help());
        return 0;
    }

    options = parsed;
}
catch (FormatException e)
{
    await Console.Error.WriteLineAsync("Error: " + e.Message);
    return 2;
}

FakeApiServerHost host;
try
{
    host = await FakeApiServerHost.StartAsync(options, handleSignals: true, timeProvider: null, CancellationToken.None);
}
catch (FakeApiServer.Storage.StorageException e)
{
    // A data directory whose database cannot be opened (corrupt, unreadable): one line, and the file untouched.
    await Console.Error.WriteLineAsync("fakeapiserver: " + e.Message);
    return 1;
}
catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
{
    // The address cannot be bound (in use, not an address of this machine): one line, as for a bad flag.
    await Console.Error.WriteLineAsync($"fakeapiserver: cannot listen on {options.BindAddress}:{options.Port}: {e.Message}");
    return 2;
}
catch (FormatException e)
{
    // Options that only the assembled server can judge, e.g. --runtime-config naming an unknown version of a group.
    await Console.Error.WriteLineAsync("fakeapiserver: " + e.Message);
    return 2;
}

await using var hostScope = host;
var bound = host.BaseAddress.Host == options.BindAddress ? "" : $" (bound to {options.BindAddress}:{host.BaseAddress.Port})";
Console.WriteLine(options.KubeconfigOut is { } kubeconfig
    ? $"FakeApiServer is serving on {host.BaseAddress}{bound} (kubeconfig: {Path.GetFullPath(kubeconfig)})"
    : $"FakeApiServer is serving on {host.BaseAddress}{bound}");
await host.WaitForShutdownAsync(CancellationToken.None);
return 0;
