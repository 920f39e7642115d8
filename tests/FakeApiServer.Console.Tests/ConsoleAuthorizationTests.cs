using System.Net;
using System.Text;
using FakeApiServer.Controllers;
using FakeApiServer.Hosting;
using FakeApiServer.Security.Authentication;
using FakeApiServer.Security.Tls;
using Microsoft.Extensions.Logging;
using static Microsoft.Playwright.Assertions;

namespace FakeApiServer.Console.Tests;

/// <summary>
/// With TLS and RBAC on, the page acts as the user who opened it: its files load for anyone, but every piece of data
/// comes from the API with the user's credentials, so a user who may not list pods sees the Forbidden message, no pods.
/// </summary>
public sealed class ConsoleAuthorizationTests(Chromium chromium) : IClassFixture<Chromium>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("console-rbac-").FullName;

    [ChromiumFact]
    public async Task A_user_without_list_rights_on_pods_sees_an_authorization_message_not_pods()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        var tokens = Path.Combine(_folder, "tokens.csv");
        await File.WriteAllTextAsync(tokens, "admin-token,admin,1,system:masters\nnobody-token,nobody,2,\n", ct);
        await using var host = await FakeApiServerHost.StartAsync(new FakeApiServerOptions
        {
            Port = 0,
            InMemory = true,
            Tls = new TlsOptions { Enabled = true },
            Authentication = new AuthenticationOptions { TokenAuthFile = tokens },
            Controllers = ControllerSelection.Parse("namespace,serviceaccount"),
            LogLevel = LogLevel.Warning,
        }, handleSignals: false, timeProvider: null, ct);
        Assert.Equal("RBAC", new FakeApiServerOptions { Tls = new TlsOptions { Enabled = true } }.EffectiveAuthorizationMode);
        await CreatePodAsAdminAsync(host.BaseAddress, ct);

        var page = await chromium.NewPageAsync(ignoreHttpsErrors: true);
        await page.GotoAsync(new Uri(host.BaseAddress, "console/").ToString());
        // Anonymous (no token yet): refused too.
        await Expect(page.Locator("[data-error='pods']")).ToContainTextAsync("system:anonymous");

        await page.Locator("#signin-open").ClickAsync();
        await page.Locator("#token").FillAsync("nobody-token");
        await page.Locator("#signin button[type=submit]").ClickAsync();
        var refused = page.Locator("[data-error='pods']");
        await Expect(refused).ToContainTextAsync("Not authorized");
        await Expect(refused).ToContainTextAsync("pods is forbidden: User \"nobody\" cannot list resource \"pods\" in API group \"\" at the cluster scope");
        await Expect(page.Locator("g.pod")).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Repository.Screenshot("console-forbidden.png") });

        // The traffic stream is a non-resource path: nobody may not get it either.
        await page.Locator("a[data-view='traffic']").ClickAsync();
        await Expect(page.Locator("[data-error='traffic']")).ToContainTextAsync("forbidden");

        // The same page, signed in as an admin, shows the pod.
        await page.Locator("a[data-view='topology']").ClickAsync();
        await page.Locator("#signin-open").ClickAsync();
        await page.Locator("#token").FillAsync("admin-token");
        await page.Locator("#signin button[type=submit]").ClickAsync();
        await Expect(page.Locator("g.pod[data-pod='default/visible']")).ToBeVisibleAsync();
    }

    private static async Task CreatePodAsAdminAsync(Uri baseAddress, CancellationToken cancellationToken)
    {
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator };
        using var http = new HttpClient(handler) { BaseAddress = baseAddress };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "admin-token");
        using var body = new StringContent("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"visible"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}""", Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("api/v1/namespaces/default/pods", body, cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
