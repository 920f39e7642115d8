using System.Net;
using FakeApiServer.Hosting;
using FakeApiServer.Observability;
using FakeApiServer.Testing;
using FakeApiServer.WebConsole;

namespace FakeApiServer.Console.Tests;

/// <summary>How the server serves the console: its files, the --console switch, and a request feed observed only while a page is open.</summary>
public sealed class ConsoleServingTests
{
    [Fact]
    public async Task The_console_is_served_at_console_with_its_modules_and_a_strict_content_security_policy()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await using var cluster = await FakeCluster.StartAsync(timeout.Token);
        using var http = cluster.CreateHttpClient();

        using var redirect = await http.GetAsync("console", timeout.Token);
        Assert.Equal("/console/", redirect.RequestMessage!.RequestUri!.AbsolutePath);
        using var page = await http.GetAsync("console/", timeout.Token);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("<script type=\"module\" src=\"app.js\">", await page.Content.ReadAsStringAsync(timeout.Token), StringComparison.Ordinal);
        foreach (var module in new[] { "app.js", "api.js", "model.js", "ui.js", "yaml.js", "views/topology.js", "views/networks.js", "console.css" })
        {
            using var asset = await http.GetAsync("console/" + module, timeout.Token);
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        }

        using var missing = await http.GetAsync("console/nothing.js", timeout.Token);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("\"kind\":\"Status\"", await missing.Content.ReadAsStringAsync(timeout.Token), StringComparison.Ordinal);
        using var post = await http.PostAsync("console/", new StringContent(""), timeout.Token);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        using var unknownApi = await http.GetAsync("console/api/nothing", timeout.Token);
        Assert.Equal(HttpStatusCode.NotFound, unknownApi.StatusCode);
        Assert.Contains("\"kind\":\"Status\"", await unknownApi.Content.ReadAsStringAsync(timeout.Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_console_false_nothing_is_served_at_console()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await using var host = await FakeApiServerHost.StartAsync(
            CommandLine.Parse(["--console=false", "--in-memory", "--port=0", "--controllers=-*"]), handleSignals: false, timeProvider: null, timeout.Token);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        using var page = await http.GetAsync("console/", timeout.Token);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Contains("\"kind\":\"Status\"", await page.Content.ReadAsStringAsync(timeout.Token), StringComparison.Ordinal);
        using var traffic = await http.GetAsync("console/api/requests", timeout.Token);
        Assert.Equal(HttpStatusCode.NotFound, traffic.StatusCode);
    }

    [Fact]
    public void The_console_is_on_by_default_on_loopback_and_off_elsewhere_unless_asked()
    {
        Assert.True(CommandLine.Parse([]).ServesConsole);
        Assert.False(CommandLine.Parse(["--console=false"]).ServesConsole);
        Assert.False(CommandLine.Parse(["--bind-address=0.0.0.0"]).ServesConsole);
        Assert.True(CommandLine.Parse(["--bind-address=0.0.0.0", "--console"]).ServesConsole);
        Assert.Throws<FormatException>(() => CommandLine.Parse(["--console=maybe"]));
    }

    [Fact]
    public void Requests_are_observed_only_while_a_page_is_connected()
    {
        var feed = new RequestFeed();
        var traffic = new RequestTraffic(feed);
        Assert.Empty(feed.Observers);

        var first = traffic.Connect(after: 0);
        var second = traffic.Connect(after: 0);
        Assert.Same(traffic, Assert.Single(feed.Observers));
        traffic.OnCompleted(Request("a"));
        Assert.True(first.Entries.TryRead(out var seen) && seen.Request.AuditId == "a");
        Assert.True(second.Entries.TryRead(out _));

        first.Dispose();
        Assert.Single(feed.Observers);
        var late = traffic.Connect(after: 0);
        Assert.True(late.Entries.TryRead(out var kept) && kept.Request.AuditId == "a");
        late.Dispose();
        second.Dispose();
        Assert.Empty(feed.Observers);
        Assert.False(traffic.Observing);

        // Nothing is kept from a time nobody watched.
        using var next = traffic.Connect(after: 0);
        Assert.False(next.Entries.TryRead(out _));
    }

    [Fact]
    public void A_reconnecting_page_gets_only_what_it_has_not_seen()
    {
        var traffic = new RequestTraffic(new RequestFeed());
        using var page = traffic.Connect(after: 0);
        traffic.OnCompleted(Request("a"));
        traffic.OnCompleted(Request("b"));
        Assert.True(page.Entries.TryRead(out var a));

        using var again = traffic.Connect(after: a.Sequence);
        Assert.True(again.Entries.TryRead(out var b));
        Assert.Equal("b", b.Request.AuditId);
        Assert.False(again.Entries.TryRead(out _));
    }

    private static CompletedRequest Request(string auditId) => new()
    {
        AuditId = auditId, Method = "GET", Path = "/api/v1/pods", Query = "", Verb = "list", IsResourceRequest = true,
        Group = "", Version = "v1", Resource = "pods", Subresource = "", Namespace = "", Name = "", User = "u", Groups = [],
        UserAgent = "test", StatusCode = 200, Started = DateTimeOffset.UnixEpoch, Latency = TimeSpan.FromMilliseconds(1), WatchEvents = 0,
    };
}
