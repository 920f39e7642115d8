namespace FakeApiServer.Admission;

/// <summary>The warning sink of writes that have no client to tell (controllers, bootstrap, tests): drops everything.</summary>
internal sealed class NoWarnings : IWarningSink
{
    public static NoWarnings Instance { get; } = new();

    private NoWarnings()
    {
    }

    public void Add(string text)
    {
    }
}
