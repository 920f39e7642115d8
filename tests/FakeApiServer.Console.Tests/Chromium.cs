using Microsoft.Playwright;

namespace FakeApiServer.Console.Tests;

/// <summary>
/// Debian's chromium (installed by .ci/run), driven by Playwright for .NET: Playwright's own browser download is not
/// used, the system browser is pointed at by its path (FAKEAPISERVER_CHROMIUM, else /usr/bin/chromium). One browser
/// per test class; each test takes a fresh context (its own cookies and storage).
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The chromium executable, or null when it is not installed.</summary>
    public static string? Executable =>
        Environment.GetEnvironmentVariable("FAKEAPISERVER_CHROMIUM") is { Length: > 0 } path ? path
        : new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);

    /// <summary>Why browser tests are skipped: chromium missing outside CI (in CI, CI=true, a missing browser fails them).</summary>
    public static string? SkipReason =>
        Executable is null && Environment.GetEnvironmentVariable("CI") != "true"
            ? "chromium is not installed (apt-get install chromium); the console's browser tests need it"
            : null;

    public async Task InitializeAsync()
    {
        if (SkipReason is not null)
        {
            return;
        }

        // Expectations wait on page state; the machine is shared and slow, so they may take a while (no sleeps anywhere).
        Assertions.SetDefaultExpectTimeout(60_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Executable ?? throw new InvalidOperationException("chromium is not installed; .ci/run installs it (apt-get install chromium)"),
            Headless = true,
            // Root in CI: chromium's sandbox needs user namespaces it may not have.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>A new page of a laptop-sized window.</summary>
    public async Task<IPage> NewPageAsync(bool ignoreHttpsErrors = false)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
            IgnoreHTTPSErrors = ignoreHttpsErrors,
        });
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

/// <summary>A browser test: skipped when chromium is missing outside CI.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
