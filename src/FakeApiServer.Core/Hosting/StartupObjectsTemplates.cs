using System.Collections.Concurrent;
using FakeApiServer.Storage;

namespace FakeApiServer.Hosting;

/// <summary>
/// The <see cref="StartupObjectsTemplate"/> of each set of options that decides the start-up objects, for fresh
/// in-memory stores (the test fixture: many short-lived clusters in one process). The first start with a set of options
/// creates its objects the normal way and leaves its template here (<see cref="Capture"/>); later starts with the same
/// set copy it. Each template is a function of its key alone and never changes once added.
/// </summary>
internal sealed class StartupObjectsTemplates
{
    /// <summary>Option sets beyond this many start the normal way, so a process that varies its options without end does not grow.</summary>
    private const int MaxTemplates = 32;

    private readonly ConcurrentDictionary<string, StartupObjectsTemplate> _templates = new(StringComparer.Ordinal);

    /// <summary>The number of option sets with a template.</summary>
    public int Count => _templates.Count;

    /// <summary>The template of <paramref name="key"/>, or null when no start with that key finished yet.</summary>
    public StartupObjectsTemplate? Find(string key) => _templates.GetValueOrDefault(key);

    /// <summary>
    /// What decides the start-up objects of a start with <paramref name="options"/> (the served groups and versions,
    /// feature gates, admission plugins, the kubernetes Service's addresses and port, the controllers), or null when
    /// they cannot be templated: a store on disk or on etcd (it may hold objects already, and the start repairs them),
    /// or an admission configuration file (read at each start).
    /// </summary>
    public static string? KeyFor(FakeApiServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.InMemory || options.Storage.IsEtcd || options.AdmissionControlConfigFile is not null)
        {
            return null;
        }

        return string.Join(
            "\n",
            options.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            string.Join(",", options.RuntimeConfig.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value)),
            options.FeatureGates.ToString(),
            string.Join(",", options.EnableAdmissionPlugins),
            string.Join(",", options.DisableAdmissionPlugins),
            options.AuthorizationMode ?? "",
            options.Controllers.ToString(),
            options.Nodes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            string.Join(",", options.ServiceClusterIpRanges),
            options.Authentication.ServiceAccountIssuer,
            string.Join(",", options.Authentication.ApiAudiences),
            options.Tls.Enabled == true ? "tls" : "");
    }

    /// <summary>
    /// Remembers a start that created its objects the normal way into an empty store: <paramref name="bootstrapped"/> is
    /// the store right after them, <paramref name="from"/> the time just before. <see cref="TemplateCapture.Complete"/>
    /// adds the template once the start-up controllers wrote.
    /// </summary>
    public TemplateCapture Capture(string key, StoreSnapshot bootstrapped, DateTimeOffset from, TimeProvider time) => new(this, key, bootstrapped, from, time);

    private void Add(string key, StartupObjectsTemplate template)
    {
        if (_templates.Count < MaxTemplates)
        {
            _templates.TryAdd(key, template);
        }
    }

    /// <summary>A normal start whose objects become its options' template.</summary>
    internal sealed class TemplateCapture(StartupObjectsTemplates templates, string key, StoreSnapshot bootstrapped, DateTimeOffset from, TimeProvider time)
    {
        /// <summary>
        /// Adds the template: the objects of the bootstrapped store and, of <paramref name="settled"/> (the store once the
        /// start-up controllers' writes settled), the default ServiceAccounts of the system namespaces.
        /// </summary>
        public void Complete(StoreSnapshot settled)
        {
            var objects = bootstrapped.Range("").ToList();
            foreach (var ns in Bootstrap.SystemNamespaces)
            {
                foreach (var account in Controllers.ServiceAccounts.ServiceAccountsController.AccountsToEnsure)
                {
                    var accountKey = "/core/serviceaccounts/" + ns + "/" + account;
                    if (bootstrapped.Get(accountKey) is null && settled.Get(accountKey) is { } created)
                    {
                        objects.Add(created);
                    }
                }
            }

            templates.Add(key, StartupObjectsTemplate.Capture(objects, from, time.GetUtcNow()));
        }
    }
}
