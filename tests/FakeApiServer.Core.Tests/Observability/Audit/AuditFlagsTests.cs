using FakeApiServer.Hosting;

namespace FakeApiServer.Tests.Observability.Audit;

public sealed class AuditFlagsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fakeapiserver-audit-flags-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_audit_and_tracing_flags_are_read_with_upstreams_defaults()
    {
        var policy = Path.Combine(_folder, "policy.yaml");
        File.WriteAllText(policy, "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: Metadata}]\n");
        var tracing = Path.Combine(_folder, "tracing.yaml");
        File.WriteAllText(tracing, "apiVersion: apiserver.config.k8s.io/v1alpha1\nkind: TracingConfiguration\n");

        var options = CommandLine.Parse(
        [
            "--audit-policy-file", policy, "--audit-log-path=-", "--audit-log-maxsize=5", "--audit-log-maxbackup=2", "--audit-log-maxage=7",
            "--audit-webhook-batch-max-wait=5s", "--tracing-config-file", tracing,
        ]);

        Assert.True(options.Audit.Enabled);
        Assert.Equal((policy, "-", 5, 2, 7, "json"), (options.Audit.PolicyFile, options.Audit.LogPath, options.Audit.LogMaxSize, options.Audit.LogMaxBackup, options.Audit.LogMaxAge, options.Audit.LogFormat));
        Assert.Equal(TimeSpan.FromSeconds(5), options.Audit.WebhookBatchMaxWait);
        Assert.Equal((10_000, 400, 10.0, 15), (options.Audit.WebhookBatchBufferSize, options.Audit.WebhookBatchMaxSize, options.Audit.WebhookBatchThrottleQps, options.Audit.WebhookBatchThrottleBurst));
        Assert.Equal(TimeSpan.FromSeconds(10), options.Audit.WebhookInitialBackoff);
        Assert.Equal(tracing, options.TracingConfigFile);
        Assert.False(CommandLine.Parse(["--audit-log-path=/tmp/a.log"]).Audit.Enabled);
    }

    [Theory]
    [InlineData("--audit-log-format=legacy", "invalid value \"legacy\" for flag --audit-log-format")]
    [InlineData("--audit-log-maxbackup=-1", "invalid value \"-1\" for flag --audit-log-maxbackup")]
    [InlineData("--audit-policy-file=/nonexistent/policy.yaml", "invalid value \"/nonexistent/policy.yaml\" for flag --audit-policy-file: failed to read file path")]
    [InlineData("--tracing-config-file=/nonexistent/tracing.yaml", "invalid value \"/nonexistent/tracing.yaml\" for flag --tracing-config-file: tracing-config-file /nonexistent/tracing.yaml does not exist")]
    public void Bad_values_fail_with_one_line(string flag, string expected)
    {
        var error = Assert.Throws<FormatException>(() => CommandLine.Parse([flag]));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }
}
