using FakeApiServer.Hosting;

namespace FakeApiServer.Tests.Security.Authorization;

public sealed class AuthorizationModesTests
{
    [Fact]
    public void The_flag_takes_a_comma_list_of_modes_and_defaults_to_none_set()
    {
        Assert.Null(CommandLine.Parse([]).AuthorizationMode);
        Assert.Equal("RBAC", CommandLine.Parse(["--authorization-mode=RBAC"]).AuthorizationMode);
        Assert.Equal("AlwaysDeny,RBAC", CommandLine.Parse(["--authorization-mode", "AlwaysDeny, RBAC"]).AuthorizationMode);
    }

    [Theory]
    [InlineData("--authorization-mode=Node", "invalid value \"Node\" for flag --authorization-mode: authorization-mode \"Node\" is not a valid mode")]
    [InlineData("--authorization-mode=RBAC,RBAC", "invalid value \"RBAC,RBAC\" for flag --authorization-mode: authorization-mode \"RBAC\" has mode specified more than once")]
    [InlineData("--authorization-mode=", "invalid value \"\" for flag --authorization-mode: at least one authorization-mode must be passed")]
    public void Unknown_repeated_or_missing_modes_are_refused(string arg, string message) =>
        Assert.Equal(message, Assert.Throws<FormatException>(() => CommandLine.Parse([arg])).Message);
}
