using System.Net.Http.Headers;
using System.Text;
using FakeApiServer.Controllers;
using FakeApiServer.Features;
using FakeApiServer.Testing;
using k8s;
using static Microsoft.Playwright.Assertions;

namespace FakeApiServer.Console.Tests;

/// <summary>
/// The console in headless Chromium through the multi-network walkthrough (fixtures/multinetwork, every controller on,
/// as `dotnet run` starts it): the topology, the networks and the pending pod, each asserted on what the page shows,
/// waiting on page state (Playwright's expectations), never on a clock.
/// </summary>
public sealed class ConsoleWalkthroughTests(Chromium chromium) : IClassFixture<Chromium>
{
    private static readonly FakeClusterOptions AsShipped = new()
    {
        FeatureGates = FeatureGates.Default.With(FeatureName.MultiNetwork, true),
        RuntimeConfig = new Dictionary<string, bool> { ["api/alpha"] = true },
        Controllers = ControllerSelection.All,
    };

    private static readonly string[] Files =
        ["01-macvlan-nad.yaml", "02-podnetwork-dataplane.yaml", "03-pod-ubuntu.yaml", "04-deployment-ubuntu-server.yaml", "05-service-ubuntu.yaml"];

    [ChromiumFact]
    public async Task Topology_shows_ubuntu_on_dataplane_via_net1_and_a_pod_on_the_disabled_network_pending_live()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(AsShipped, ct);
        foreach (var file in Files)
        {
            await cluster.ApplyFileAsync(Repository.MultiNetworkFixture(file), ct);
        }

        var page = await chromium.NewPageAsync();
        await page.GotoAsync(new Uri(cluster.BaseAddress, "console/").ToString());
        // Set once: a reload would lose it, so finding it at the end proves the page changed without one.
        await page.EvaluateAsync("() => { window.loadedOnce = 'yes'; }");

        var net1 = page.Locator("g.iface[data-pod='default/ubuntu'][data-iface='net1']");
        await Expect(net1).ToHaveAttributeAsync("data-network", "dataplane");
        await Expect(net1).ToContainTextAsync("169.254.100.");
        await Expect(net1).ToContainTextAsync("100:100::");
        var eth0 = page.Locator("g.iface[data-pod='default/ubuntu'][data-iface='eth0']");
        await Expect(eth0).ToHaveAttributeAsync("data-network", "kubernetes");
        await Expect(eth0).ToContainTextAsync("10.244.");
        await Expect(eth0).ToContainTextAsync("fd00:10:244:");
        await Expect(page.Locator("g.pod[data-pod='default/ubuntu']")).ToHaveAttributeAsync("data-phase", "Running");
        await Expect(page.Locator("g.network[data-network='dataplane']")).ToHaveAttributeAsync("data-state", "Ready");
        await Expect(page.Locator("g.pod[data-phase='Running']")).ToHaveCountAsync(3);
        await Expect(page.Locator("g.iface[data-network='dataplane']:not(.pending)")).ToHaveCountAsync(3);

        // Selecting the pod shows its spec.networks and status IPs.
        await page.Locator("g.pod[data-pod='default/ubuntu']").ClickAsync();
        var details = page.Locator("aside.details[data-pod='default/ubuntu']");
        await Expect(details.Locator("table.pod-ips")).ToContainTextAsync("dataplane");
        await Expect(details.Locator("table.pod-ips")).ToContainTextAsync("net1");
        await Expect(details.Locator("table.pod-ips tr", new() { HasText = "169.254.100." })).ToContainTextAsync("dataplane");
        await page.ScreenshotAsync(new() { Path = Repository.Screenshot("console-topology.png"), FullPage = true });

        // Disable dataplane and create a pod on it: the page, without a reload, shows it Pending with the scheduler's message.
        await PatchAsync(cluster, "apis/networking.k8s.io/v1alpha1/podnetworks/dataplane", """{"spec":{"enabled":false}}""", ct);
        await Expect(page.Locator("g.network[data-network='dataplane']")).ToHaveAttributeAsync("data-state", "disabled");
        await cluster.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: late
              namespace: default
            spec:
              networks:
              - podNetworkName: dataplane
                interfaceName: net1
              containers:
              - name: c
                image: busybox
            """, ct);
        var late = page.Locator("g.pod[data-pod='default/late']");
        await Expect(late).ToHaveAttributeAsync("data-phase", "Pending");
        await Expect(late).ToContainTextAsync("Unschedulable");
        await Expect(page.Locator(".unschedulable li[data-pod='default/late']"))
            .ToContainTextAsync("0/2 nodes are available: PodNetworks referred in the pod must be enabled.");
        await late.ClickAsync();
        await Expect(page.Locator("aside.details[data-pod='default/late'] .alert[data-reason='Unschedulable']"))
            .ToContainTextAsync("PodNetworks referred in the pod must be enabled");
        await Expect(page.Locator("aside.details[data-pod='default/late'] table.pod-events")).ToContainTextAsync("FailedScheduling");
        Assert.Equal("yes", await page.EvaluateAsync<string>("() => window.loadedOnce"));
        await page.ScreenshotAsync(new() { Path = Repository.Screenshot("console-pending.png"), FullPage = true });
    }

    [ChromiumFact]
    public async Task Networks_view_shows_podnetworks_with_their_nad_conditions_and_pods_and_yaml()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(AsShipped, ct);
        foreach (var file in Files)
        {
            await cluster.ApplyFileAsync(Repository.MultiNetworkFixture(file), ct);
        }

        var page = await chromium.NewPageAsync();
        await page.GotoAsync(new Uri(cluster.BaseAddress, "console/#/networks").ToString());
        var dataplane = page.Locator("tr[data-podnetwork='dataplane']");
        await Expect(dataplane).ToContainTextAsync("k8s.cni.cncf.io/multus");
        await Expect(dataplane).ToContainTextAsync("NetworkAttachmentDefinition/default/macvlan-nad");
        await Expect(dataplane).ToContainTextAsync("169.254.100.0/24");
        await Expect(dataplane).ToContainTextAsync("Ready True");
        await Expect(dataplane).ToContainTextAsync("ParamsReady True");
        await Expect(dataplane).ToContainTextAsync("protected");
        await Expect(dataplane.Locator("ul.inline li")).ToHaveCountAsync(3);
        await Expect(page.Locator("tr[data-nad='default/macvlan-nad']")).ToContainTextAsync("host-local");
        await page.ScreenshotAsync(new() { Path = Repository.Screenshot("console-networks.png"), FullPage = true });

        // The YAML view: the object as kubectl get -o yaml shows it (no managedFields).
        await dataplane.Locator("a.yaml-link", new() { HasText = "dataplane" }).First.ClickAsync();
        var yaml = page.Locator("#yaml-body");
        await Expect(yaml).ToContainTextAsync("provider: k8s.cni.cncf.io/multus");
        await Expect(yaml).ToContainTextAsync("kind: PodNetwork");
        await Expect(yaml).Not.ToContainTextAsync("managedFields");
        await page.Locator("#yaml-close").ClickAsync();

        // Filters: the search box narrows the list; a label selector that matches nothing empties it.
        await page.GotoAsync(new Uri(cluster.BaseAddress, "console/#/workloads").ToString());
        await Expect(page.Locator("tr[data-deployments='default/ubuntu-server']")).ToContainTextAsync("2 Running");
        await page.Locator("#labels").FillAsync("app=nothing");
        await Expect(page.Locator("tr[data-deployments='default/ubuntu-server']")).ToHaveCountAsync(0);
        await page.Locator("#labels").FillAsync("app=ubuntu-server");
        await Expect(page.Locator("tr[data-deployments='default/ubuntu-server']")).ToHaveCountAsync(1);

        await page.Locator("#labels").FillAsync("");
        await page.GotoAsync(new Uri(cluster.BaseAddress, "console/#/nodes").ToString());
        await Expect(page.Locator("tr[data-node='fakeapiserver-worker']")).ToContainTextAsync("10.244.1.0/24");
        await page.GotoAsync(new Uri(cluster.BaseAddress, "console/#/events").ToString());
        await Expect(page.Locator("table.events")).ToContainTextAsync("Scheduled");
    }

    [ChromiumFact]
    public async Task Traffic_view_shows_requests_by_verb_and_resource_while_open()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        var before = cluster.Requests.Observers.Count;

        var page = await chromium.NewPageAsync();
        await page.GotoAsync(new Uri(cluster.BaseAddress, "console/#/traffic").ToString());
        // Once the page's traffic stream is answered, the server observes requests for it (and only then).
        await Expect(page.Locator("section.traffic")).ToHaveAttributeAsync("data-connected", "true");
        Assert.Equal(before + 1, cluster.Requests.Observers.Count);
        await cluster.Client.CoreV1.ListNamespacedConfigMapAsync("default", cancellationToken: ct);
        await Expect(page.Locator("tr[data-rate='list configmaps']")).ToBeVisibleAsync();
        await Expect(page.Locator("table.latest")).ToContainTextAsync("configmaps");
        await page.ScreenshotAsync(new() { Path = Repository.Screenshot("console-traffic.png"), FullPage = true });
    }

    [ChromiumFact]
    public async Task Without_the_multi_network_api_the_topology_says_so_and_still_shows_pods()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        await using var cluster = await FakeCluster.StartAsync(ct);
        await cluster.ApplyAsync("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: plain
              namespace: default
            spec:
              containers:
              - name: c
                image: busybox
            """, ct);

        var page = await chromium.NewPageAsync();
        await page.GotoAsync(new Uri(cluster.BaseAddress, "console/").ToString());
        await Expect(page.Locator("[data-error='podnetworks']")).ToContainTextAsync("This server does not serve podnetworks");
        await Expect(page.Locator("g.pod[data-pod='default/plain']")).ToHaveAttributeAsync("data-phase", "Pending");
        await Expect(page.Locator("g.node[data-node='']")).ToBeVisibleAsync();
        await Expect(page.Locator(".alert.error")).ToHaveCountAsync(0);
    }

    private static async Task PatchAsync(FakeCluster cluster, string path, string mergePatch, CancellationToken cancellationToken)
    {
        using var http = cluster.CreateHttpClient();
        using var content = new StringContent(mergePatch, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/merge-patch+json");
        using var response = await http.PatchAsync(path, content, cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}
