using FakeApiServer.Features;
using FakeApiServer.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Tests.Hosting;

public sealed class CommandLineTests
{
    [Fact]
    public void No_flags_give_the_documented_defaults()
    {
        var options = CommandLine.Parse([]);

        Assert.Equal("127.0.0.1", options.BindAddress);
        Assert.Equal(6443, options.Port);
        Assert.Equal("./.fakeapiserver", options.DataDir);
        Assert.False(options.InMemory);
        Assert.Null(options.KubeconfigOut);
        Assert.Equal(LogLevel.Information, options.LogLevel);
        Assert.Equal(["10.96.0.0/16", "fd00:10:96::/112"], options.ServiceClusterIpRanges);
        Assert.Equal(12_500, options.TerminatedPodGcThreshold);
    }

    [Fact]
    public void Terminated_pod_gc_threshold_takes_a_count_and_rejects_anything_else()
    {
        Assert.Equal(2, CommandLine.Parse(["--terminated-pod-gc-threshold=2"]).TerminatedPodGcThreshold);
        Assert.Throws<FormatException>(() => CommandLine.Parse(["--terminated-pod-gc-threshold=-1"]));
    }

    [Fact]
    public void Flags_take_values_with_an_equals_sign_or_as_the_next_argument()
    {
        var options = CommandLine.Parse(["--port=0", "--bind-address", "::1", "--in-memory", "--kubeconfig-out", "k.yaml",
            "--feature-gates=MultiNetwork=true", "--runtime-config=networking.k8s.io/v1alpha1=true", "--log-level=debug"]);

        Assert.Equal(0, options.Port);
        Assert.Equal("::1", options.BindAddress);
        Assert.True(options.InMemory);
        Assert.Equal("k.yaml", options.KubeconfigOut);
        Assert.True(options.FeatureGates.Enabled(FeatureName.MultiNetwork));
        Assert.True(options.RuntimeConfig["networking.k8s.io/v1alpha1"]);
        Assert.Equal(LogLevel.Debug, options.LogLevel);
    }

    [Fact]
    public void Command_line_overrides_the_configuration_file()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["port"] = "7000", ["data-dir"] = "/tmp/x" })
            .Build();

        var options = CommandLine.Parse(["--port=7001"], configuration);

        Assert.Equal(7001, options.Port);
        Assert.Equal("/tmp/x", options.DataDir);
    }

    [Theory]
    [InlineData("--nope", "unknown flag: --nope")]
    [InlineData("--port=http", "invalid value \"http\" for flag --port: must be a port number from 0 to 65535")]
    [InlineData("--port=70000", "invalid value \"70000\" for flag --port: must be a port number from 0 to 65535")]
    [InlineData("--bind-address=localhost", "invalid value \"localhost\" for flag --bind-address: must be an IP address")]
    [InlineData("--feature-gates=Bogus=true", "invalid value \"Bogus=true\" for flag --feature-gates: unrecognized feature gate: Bogus")]
    [InlineData("--log-level=loud", "invalid value \"loud\" for flag --log-level: must be one of Trace, Debug, Information, Warning, Error, Critical, None")]
    [InlineData("--port", "flag needs an argument: --port")]
    [InlineData("serve", "unexpected argument \"serve\"; flags look like --name=value")]
    [InlineData("--pod-stages=/nonexistent/stages.yaml", "invalid value \"/nonexistent/stages.yaml\" for flag --pod-stages: Could not find a part of the path '/nonexistent/stages.yaml'.")]
    [InlineData("--exec=host", "invalid value \"host\" for flag --exec: must be simulated or local")]
    public void Bad_flags_are_rejected_with_a_one_line_message(string arg, string message)
    {
        var error = Assert.Throws<FormatException>(() => CommandLine.Parse([arg]));

        Assert.Equal(message, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Pod_stages_names_a_stage_file_that_is_read_and_checked()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "stages:\n- exitAfter: 5s\n");
            Assert.Equal(path, CommandLine.Parse(["--pod-stages", path]).PodStagesFile);

            File.WriteAllText(path, "stages:\n- exitAfter: later\n");
            var error = Assert.Throws<FormatException>(() => CommandLine.Parse(["--pod-stages=" + path]));
            Assert.Equal($"invalid value \"{path}\" for flag --pod-stages: stages[0].exitAfter: must be a duration such as 5s or 1m30s, not \"later\"", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Container_rules_names_a_rule_file_that_is_read_and_checked_and_exec_local_is_opt_in()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "rules:\n- exec: {command: [date], stdout: now}\n");
            var options = CommandLine.Parse(["--container-rules", path]);
            Assert.Equal(path, options.ContainerRulesFile);
            Assert.False(options.LocalExec);
            Assert.True(CommandLine.Parse(["--exec=local"]).LocalExec);

            File.WriteAllText(path, "rules:\n- exec: {delay: later}\n");
            var error = Assert.Throws<FormatException>(() => CommandLine.Parse(["--container-rules=" + path]));
            Assert.Equal($"invalid value \"{path}\" for flag --container-rules: rules[0].exec.delay: must be a duration such as 5s or 1m30s, not \"later\"", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
