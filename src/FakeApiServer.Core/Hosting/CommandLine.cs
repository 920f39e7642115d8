using System.Globalization;
using FakeApiServer.Admission;
using FakeApiServer.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace FakeApiServer.Hosting;

/// <summary>
/// Reads <see cref="FakeApiServerOptions"/> from configuration (appsettings.json, section "FakeApiServer", keys
/// named like the flags) and then the command line in Kubernetes flag style (--name=value or --name value;
/// booleans may stand alone), the flags declared once in <see cref="Flags.ServerFlags"/>. Unknown flags and bad values
/// throw <see cref="FormatException"/> with a one-line message.
/// </summary>
public static class CommandLine
{
    /// <summary>Options from configuration, overridden by the command line.</summary>
    public static FakeApiServerOptions Parse(IReadOnlyList<string> args, IConfiguration? configuration = null) =>
        ParseOrHelp(args, configuration) ?? throw new FormatException("--help asks for the help text, not a server");

    /// <summary>Options from configuration, overridden by the command line; null when <c>--help</c> or <c>-h</c> was given.</summary>
    public static FakeApiServerOptions? ParseOrHelp(IReadOnlyList<string> args, IConfiguration? configuration = null)
    {
        var flags = Flags.ServerFlags.Create();
        if (flags.Parse(args) is not { } given)
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (configuration is not null)
        {
            foreach (var flag in flags.Flags)
            {
                if (configuration[flag.Name] is { } value)
                {
                    values[flag.Name] = value;
                }
            }
        }

        foreach (var (name, value) in given)
        {
            values[name] = value;
        }

        return Build(values);
    }

    /// <summary>An IP address Kestrel can bind: IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) are refused, as the socket would refuse them.</summary>
    private static string BindAddress(string name, string value) =>
        System.Net.IPAddress.TryParse(value, out var address)
            ? address.IsIPv4MappedToIPv6 ? throw Bad(name, value, $"must not be an IPv4-mapped IPv6 address; use {address.MapToIPv4()}") : value
            : throw Bad(name, value, "must be an IP address");

    private static FakeApiServerOptions Build(Dictionary<string, string> values)
    {
        var options = new FakeApiServerOptions();
        foreach (var (name, value) in values)
        {
            options = name switch
            {
                "bind-address" => options with { BindAddress = BindAddress(name, value) },
                "insecure-allow-any-address" => options with { InsecureAllowAnyAddress = Boolean(name, value) },
                "port" => options with { Port = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535 ? port : throw Bad(name, value, "must be a port number from 0 to 65535") },
                "data-dir" => options with { DataDir = value.Length > 0 ? value : throw Bad(name, value, "must not be empty") },
                "in-memory" => options with { InMemory = bool.TryParse(value, out var inMemory) ? inMemory : throw Bad(name, value, "must be true or false") },
                "kubeconfig-out" => options with { KubeconfigOut = value.Length > 0 ? value : null },
                "feature-gates" => options with { FeatureGates = ParseWith(name, value, FeatureGates.Parse) },
                "runtime-config" => options with { RuntimeConfig = ParseWith(name, value, ParseRuntimeConfig) },
                "log-level" => options with { LogLevel = Enum.TryParse<LogLevel>(value, ignoreCase: true, out var level) && Enum.IsDefined(level) ? level : throw Bad(name, value, "must be one of Trace, Debug, Information, Warning, Error, Critical, None") },
                "service-cluster-ip-range" => options with { ServiceClusterIpRanges = ParseWith(name, value, ParseCidrs) },
                "history-window" => options with { HistoryWindow = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var window) && window > 0 ? window : throw Bad(name, value, "must be a positive number of events") },
                "controllers" => options with { Controllers = ParseWith(name, value, Controllers.ControllerSelection.Parse) },
                "terminated-pod-gc-threshold" => options with { TerminatedPodGcThreshold = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var threshold) ? threshold : throw Bad(name, value, "must be a non-negative number of pods") },
                "nodes" => options with { Nodes = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var nodes) && nodes <= Controllers.Nodes.SimulatedNodes.MaxCount ? nodes : throw Bad(name, value, "must be a number of nodes from 0 to 250") },
                "pod-stages" => options with { PodStagesFile = ParseWith(name, value, PodStagesFile) },
                "container-rules" => options with { ContainerRulesFile = ParseWith(name, value, ContainerRulesFile) },
                "exec" => options with { LocalExec = value switch { "local" => true, "simulated" => false, _ => throw Bad(name, value, "must be simulated or local") } },
                "sync" => options with { SynchronousFull = value switch { "full" => true, "normal" => false, _ => throw Bad(name, value, "must be full or normal") } },
                "enable-admission-plugins" => options with { EnableAdmissionPlugins = PluginList(value) },
                "disable-admission-plugins" => options with { DisableAdmissionPlugins = PluginList(value) },
                "admission-control-config-file" => options with { AdmissionControlConfigFile = ParseWith(name, value, AdmissionConfigFile) },
                "webhook-service-url-template" => options with { Webhooks = options.Webhooks with { ServiceUrlTemplate = value.Contains("://", StringComparison.Ordinal) ? value : throw Bad(name, value, "must be a URL such as https://{name}.{namespace}.svc:{port}{path}") } },
                "webhook-service-address" => options with { Webhooks = options.Webhooks with { ServiceAddress = System.Net.IPAddress.TryParse(value, out _) ? value : throw Bad(name, value, "must be an IP address") } },
                "tls" => options with { Tls = options.Tls with { Enabled = Boolean(name, value) } },
                "request-log" => options with { RequestLog = Boolean(name, value) },
                "admin-api" => options with { AdminApi = Boolean(name, value) },
                "tls-cert-file" => options with { Tls = options.Tls with { CertFile = NonEmpty(name, value) } },
                "tls-private-key-file" => options with { Tls = options.Tls with { PrivateKeyFile = NonEmpty(name, value) } },
                "client-ca-file" => options with { Tls = options.Tls with { ClientCaFile = NonEmpty(name, value) } },
                "token-auth-file" => options with { Authentication = options.Authentication with { TokenAuthFile = NonEmpty(name, value) } },
                "anonymous-auth" => options with { Authentication = options.Authentication with { Anonymous = Boolean(name, value) } },
                "service-account-issuer" => options with { Authentication = options.Authentication with { ServiceAccountIssuer = NonEmpty(name, value) } },
                "api-audiences" => options with { Authentication = options.Authentication with { ApiAudiences = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) } },
                "max-requests-inflight" => options with { Limits = options.Limits with { MaxRequestsInflight = Count(name, value) } },
                "max-mutating-requests-inflight" => options with { Limits = options.Limits with { MaxMutatingRequestsInflight = Count(name, value) } },
                "max-watches-per-user" => options with { Limits = options.Limits with { MaxWatchesPerUser = Count(name, value) } },
                "request-timeout" => options with { Limits = options.Limits with { RequestTimeout = Schema.Cel.CelFunctions.TryParseDuration(value, out var timeout) && timeout >= TimeSpan.Zero ? timeout : throw Bad(name, value, "must be a duration such as 60s or 1m0s") } },
                "console" => options with { Console = Boolean(name, value) },
                "authorization-mode" => options with { AuthorizationMode = string.Join(',', ParseWith(name, value, Security.Authorization.AuthorizationModes.Parse)) },
                _ when Observability.ObservabilityFlags.Handles(name) => Observability.ObservabilityFlags.Apply(options, name, value),
                _ when StorageBackends.ReplicaFlags.Names.Contains(name) => StorageBackends.ReplicaFlags.Apply(options, name, value),
                _ => throw new FormatException($"unknown flag: --{name}"),
            };
        }

        if ((options.Tls.CertFile is null) != (options.Tls.PrivateKeyFile is null))
        {
            throw new FormatException("--tls-cert-file and --tls-private-key-file go together");
        }

        if (options.Tls.Enabled == false && (options.Tls.CertFile is not null || options.Tls.ClientCaFile is not null))
        {
            throw new FormatException("--tls=false cannot be combined with --tls-cert-file or --client-ca-file");
        }

        if (!options.ServesTls && !System.Net.IPAddress.IsLoopback(System.Net.IPAddress.Parse(options.BindAddress)) && !options.InsecureAllowAnyAddress)
        {
            throw new FormatException(
                $"refusing to serve plain http on {options.BindAddress}, which is not a loopback address: every client that reaches it would be served " +
                "without TLS (as system:masters unless --token-auth-file is given); drop --tls=false, or add --insecure-allow-any-address to accept that");
        }

        // Judged once every flag is read: PodNetwork depends on --feature-gates.
        AdmissionOrder.Enabled(options.EnableAdmissionPlugins, options.DisableAdmissionPlugins, options.FeatureGates);
        return options;
    }

    /// <summary>A comma-separated plugin list, as kube-apiserver's string slice flags.</summary>
    private static string[] PluginList(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static T ParseWith<T>(string name, string value, Func<string, T> parse)
    {
        try
        {
            return parse(value);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw Bad(name, value, e.Message);
        }
    }

    /// <summary>"group/version=true,api/all=false" as kube-apiserver's --runtime-config.</summary>
    private static Dictionary<string, bool> ParseRuntimeConfig(string text)
    {
        var config = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = item.Split('=', 2);
            var on = parts.Length == 1 || (bool.TryParse(parts[1], out var b) ? b : throw new FormatException($"invalid value {parts[1]} for {parts[0]}"));
            if (parts[0].Length == 0 || (!parts[0].Contains('/', StringComparison.Ordinal) && parts[0] != "api"))
            {
                throw new FormatException($"invalid key {parts[0]}: expected group/version or api/all");
            }

            config[parts[0]] = on;
        }

        return config;
    }

    private static string[] ParseCidrs(string text)
    {
        var cidrs = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var cidr in cidrs)
        {
            if (!System.Net.IPNetwork.TryParse(cidr, out _))
            {
                throw new FormatException($"invalid CIDR {cidr}");
            }
        }

        return cidrs.Length is 1 or 2 ? cidrs : throw new FormatException("expected one or two CIDRs (one per IP family)");
    }

    /// <summary>An admission configuration file that reads, with plugin configurations that parse (read again when the server starts).</summary>
    private static string AdmissionConfigFile(string path)
    {
        var configurations = AdmissionPluginConfigurations.Load(path);
        Admission.Plugins.PodSecurity.PodSecurityConfiguration.Parse(configurations.For(Admission.Plugins.PodSecurity.PodSecurityPlugin.PluginName));
        return path;
    }

    /// <summary>A stage file that exists and parses (read again when the server starts).</summary>
    private static string PodStagesFile(string path)
    {
        Controllers.Kubelet.PodStages.Load(path);
        return path;
    }

    /// <summary>A container rules file that exists and parses (read again when the server starts).</summary>
    private static string ContainerRulesFile(string path)
    {
        SimulatedContainers.ContainerRuleParser.Load(path);
        return path;
    }

    private static bool Boolean(string name, string value) => bool.TryParse(value, out var b) ? b : throw Bad(name, value, "must be true or false");

    private static string NonEmpty(string name, string value) => value.Length > 0 ? value : throw Bad(name, value, "must not be empty");

    /// <summary>A limit: a whole number, 0 for none.</summary>
    private static int Count(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : throw Bad(name, value, "must be a whole number (0 for no limit)");

    private static FormatException Bad(string name, string value, string why) => new($"invalid value \"{value}\" for flag --{name}: {why}");
}
