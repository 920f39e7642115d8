using FakeApiServer.Hosting;
using FakeApiServer.Hosting.Flags;

namespace FakeApiServer.Tests.Hosting;

/// <summary>The fakeapiserver program's --help, and its one-line answers to flags it does not take.</summary>
public sealed class HelpTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Help_lists_the_flags_by_section_with_defaults_and_exits_0(string help)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var server = ServerProcess.Start(help);

        var code = await server.WaitForExitAsync(cts.Token);

        Assert.Equal(0, code);
        Assert.Equal("", server.Stderr);
        var text = server.Stdout;
        Assert.Contains("Usage:\n  fakeapiserver [flags]\n", text, StringComparison.Ordinal);
        string[] sections = ["Generic flags:", "Etcd flags:", "Secure serving flags:", "Auditing flags:", "Features flags:", "Authentication flags:",
            "Authorization flags:", "API enablement flags:", "Admission flags:", "Logs flags:", "Traces flags:", "Misc flags:", "Storage flags:",
            "Leader election flags:", "Controllers flags:", "Simulation flags:", "Containers flags:", "Console flags:"];
        var at = sections.Select(s => text.IndexOf("\n" + s + "\n\n", StringComparison.Ordinal)).ToArray();
        Assert.All(at, i => Assert.True(i >= 0));
        Assert.Equal(at.Order(), at);
        Assert.Matches(@"\n      --port int +The port to serve on; 0 picks a free one\. \(default 6443\)\n", text);
        Assert.Matches(@"\n      --etcd-servers strings +List of etcd servers [^\n]*\n +[^\n]*\(default http://127\.0\.0\.1:2379\)\n", text);
        Assert.Matches(@"\n      --in-memory +Keep everything in memory, nothing on disk\.\n", text);
        Assert.Matches(@"\n      --audit-webhook-batch-max-size int +The maximum size of a batch\. \(default 400\)\n", text);
        Assert.Matches(@"\n      -h, --help +help for this program\n", text);
    }

    [Fact]
    public async Task Every_flag_is_in_the_help()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var server = ServerProcess.Start("--help");

        await server.WaitForExitAsync(cts.Token);

        Assert.All(ServerFlags.All, flag => Assert.Matches($"\n      --{flag.Name}[ \n]", server.Stdout));
    }

    [Fact]
    public void Every_declared_flag_is_read()
    {
        // A value no flag takes: each flag answers for it by name, none is declared without being read.
        Assert.All(ServerFlags.All, flag =>
        {
            var message = Record.Exception(() => CommandLine.Parse([$"--{flag.Name}=::not a value::"]))?.Message ?? "";
            Assert.DoesNotContain("unknown flag", message, StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData("--no-such-flag", "Error: unknown flag: --no-such-flag")]
    [InlineData("--no-such-flag=1", "Error: unknown flag: --no-such-flag")]
    [InlineData("-x", "Error: unknown shorthand flag: 'x' in -x")]
    [InlineData("--port=http", "Error: invalid value \"http\" for flag --port: must be a port number from 0 to 65535")]
    [InlineData("--in-memory=maybe", "Error: invalid value \"maybe\" for flag --in-memory: must be true or false")]
    [InlineData("--in-memory false", "Error: unexpected argument \"false\"; flags look like --name=value")]
    public async Task A_flag_it_does_not_take_is_one_line_and_exit_code_2(string arg, string line)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var server = ServerProcess.Start(["--port=0", .. arg.Split(' ')]);

        var code = await server.WaitForExitAsync(cts.Token);

        Assert.Equal(2, code);
        Assert.Equal(line + "\n", server.Stderr.ReplaceLineEndings("\n"));
        Assert.Equal("", server.Stdout);
    }

    [Fact]
    public void Kubernetes_flag_syntaxes_all_work()
    {
        var options = CommandLine.Parse(["--port", "0", "--in-memory", "--tls=false", "--nodes=1", "--nodes", "3", "--kubeconfig-out=", "--console=true", "--anonymous-auth", "--log-level=Debug"]);

        Assert.Equal(0, options.Port);
        Assert.True(options.InMemory);
        Assert.False(options.Tls.Enabled);
        Assert.Equal(3, options.Nodes);
        Assert.Null(options.KubeconfigOut);
        Assert.True(options.Console);
        Assert.True(options.Authentication.Anonymous);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Debug, options.LogLevel);
        Assert.Null(CommandLine.ParseOrHelp(["--port=0", "--help"]));
    }
}
